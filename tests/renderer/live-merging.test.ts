/**
 * A merging live COW in the app's store, over the real engine: opened as a snapshot-merge target's,
 * each refresh counts what the kernel merged since, and a reopen after the connection came back
 * (the server forgot the session) keeps it a merging one, so its shrinking table still reads.
 * The kernel is kernel-appender.mjs / kernel-merger.mjs writing a loop device's backing file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { THIS_HOST } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { persistentPair } from '../main/fixtures.ts';
import { appOverEngine, tempDir } from './fixtures.ts';

const LIVE = path.resolve(import.meta.dirname, '../core/live');
const CHUNK_SECTORS = 8;
let service: EngineService | undefined;
let loop = '';

afterEach(async () => {
  await service?.dispose();
  service = undefined;
  if (loop) spawnSync('losetup', ['-d', loop]);
  loop = '';
});

const kernel = (script: string, cow: string, ...args: number[]): void => void execFileSync(process.execPath, [path.join(LIVE, script), cow, String(CHUNK_SECTORS), ...args.map(String)]);

describe.skipIf(process.getuid?.() !== 0)('a merging live COW in the app (loop device, root)', () => {
  it('counts what each refresh found merged, and a reopen after a reconnect still reads it as merging', async () => {
    const dir = tempDir();
    const { cow } = persistentPair(dir, CHUNK_SECTORS * 512, 2 << 20);
    kernel('kernel-appender.mjs', cow, 300);
    loop = execFileSync('losetup', ['-f', '--show', cow], { encoding: 'utf8' }).trim();
    const app = appOverEngine(dir);
    service = app.service;
    const { store } = app;

    expect(await store.getState().openLive(loop, THIS_HOST, true)).toBe(true);
    expect(store.getState().session?.live).toMatchObject({ host: THIS_HOST, merging: true });
    kernel('kernel-merger.mjs', cow, 300, 200);
    await store.getState().refreshLive();
    expect(store.getState().liveRefreshError).toBeNull();
    expect(store.getState().liveMerged?.count).toBe(100);
    expect(store.getState().liveFresh).toBeNull();

    // The server lost the session (as after a restart): recover() opens it again, merging still.
    const shown = store.getState().session!;
    await app.client.close({ session: shown.session });
    store.setState({ session: shown }); // still shown, as while the connection was down
    await store.getState().recover();
    expect(store.getState().syncError).toBeNull();
    expect(store.getState().session?.live).toMatchObject({ host: THIS_HOST, merging: true });
    kernel('kernel-merger.mjs', cow, 200, 50);
    await store.getState().refreshLive();
    expect(store.getState().liveRefreshError).toBeNull();
    expect(store.getState().session?.info.exceptions).toBe(50);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
