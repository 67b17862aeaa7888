/**
 * A live COW opened through the API (`open` with `live`): a loop device holding a persistent COW
 * whose backing file another process appends to as the kernel does (it bypasses the device's page
 * cache). Each `reload` shows the table as of its read, the entries since the previous read are
 * the ones appended, and nothing is ever written.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, type EngineClient } from '../../../src-core/api/contract.ts';
import type { EngineService } from '../../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from '../fixtures.ts';

const APPENDER = path.resolve(import.meta.dirname, '../../core/live/kernel-appender.mjs');
const MERGER = path.resolve(import.meta.dirname, '../../core/live/kernel-merger.mjs');
const CHUNK_SECTORS = 8;
const root = process.getuid?.() === 0;
const hasLosetup =
  root &&
  (() => {
    try {
      execFileSync('losetup', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

let service: EngineService | undefined;
let client: EngineClient;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await service?.dispose();
  service = undefined;
  for (const c of cleanups.splice(0).reverse()) c();
});

/** Appends exceptions [from, to) the way the kernel does (kernel-appender.mjs): entry i is origin 7i+3. */
function append(cow: string, from: number, to: number): void {
  execFileSync(process.execPath, [APPENDER, cow, String(CHUNK_SECTORS), String(to), String(from)]);
}

/** Merges the newest exceptions down to `left` the way the kernel's snapshot-merge does (kernel-merger.mjs). */
function merge(cow: string, now: number, left: number): void {
  execFileSync(process.execPath, [MERGER, cow, String(CHUNK_SECTORS), String(now), String(left)]);
}

function liveLoop(): { cow: string; loop: string; dir: string } {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const { cow } = persistentPair(dir, CHUNK_SECTORS * 512, 2 << 20);
  const loop = execFileSync('losetup', ['-f', '--show', cow], { encoding: 'utf8' }).trim();
  cleanups.push(() => execFileSync('losetup', ['-d', loop]));
  return { cow, loop, dir };
}

describe.skipIf(!hasLosetup)('a live COW through the API (loop device, root)', () => {
  it('each reload shows the table as of its read, with exactly the entries appended since the previous one', async () => {
    const { cow, loop } = liveLoop();
    append(cow, 0, 10);
    ({ service, client } = inProcess(tempDir()));
    const t0 = Date.now();
    const first = await client.open({ cow: loop, live: {} });
    expect(first.write).toBe(false);
    expect(first.info.exceptions).toBe(10);
    expect(first.live).toEqual({ host: 'this host', asOf: expect.any(Number), previous: 10 });
    expect(first.live!.asOf).toBeGreaterThanOrEqual(t0);

    // 190 more: the table crosses from area 0 (256 entries of 4 KiB chunks) into area 1 later on
    for (const [from, to] of [
      [10, 200],
      [200, 300],
    ] as const) {
      append(cow, from, to);
      const again = await client.reload({ session: first.session });
      expect(again.session).toBe(first.session);
      expect(again.info.exceptions).toBe(to);
      expect(again.live!.previous).toBe(from);
      const fresh = await client.exceptionTable({ session: first.session, offset: from, limit: 1000, sort: 'entry' });
      expect(fresh.rows.map((r) => r.origin)).toEqual(Array.from({ length: to - from }, (_, k) => 7 * (from + k) + 3));
      // the occupancy map sees every exception's chunk, the new ones where the table says they are
      const occ = await client.occupancy({ session: first.session, start: 0, end: again.info.chunkCount, buckets: 1 });
      expect(occ.counts.data).toEqual([to]);
      const at = fresh.rows.at(-1)!.chunk;
      const one = await client.occupancy({ session: first.session, start: at, end: at + 1, buckets: 1 });
      expect(one.counts.data).toEqual([1]);
    }
    const idle = await client.reload({ session: first.session });
    expect(idle.live!.previous).toBe(idle.info.exceptions);
  });

  it('a merging COW (snapshot-merge) opens with merging: each reload shows the table the kernel has left, never growing', async () => {
    const { cow, loop } = liveLoop();
    append(cow, 0, 300);
    ({ service, client } = inProcess(tempDir()));
    const s = await client.open({ cow: loop, live: { merging: true } });
    expect(s.live).toEqual({ host: 'this host', asOf: expect.any(Number), previous: 300, merging: true });
    merge(cow, 300, 120);
    const again = await client.reload({ session: s.session });
    expect(again.info.exceptions).toBe(120);
    expect(again.live).toMatchObject({ previous: 300, merging: true });
    const left = await client.exceptionTable({ session: s.session, offset: 0, limit: 1000, sort: 'entry' });
    expect(left.rows.map((r) => r.origin)).toEqual(Array.from({ length: 120 }, (_, k) => 7 * k + 3));

    // Opened as a snapshot's, the same COW reopens (another way to read it); a table that keeps
    // shrinking is then refused as a torn read, saying the kernel may be merging it.
    const asSnapshot = await client.open({ cow: loop, live: {} });
    expect(asSnapshot.live).toEqual({ host: 'this host', asOf: expect.any(Number), previous: 120 });
    merge(cow, 120, 50);
    const refused = await client.reload({ session: asSnapshot.session }).catch((e: unknown) => e);
    expect((refused as ApiError).message).toMatch(/kept shrinking between reads.*merging/);
  });

  it('never writes: write calls are refused, and the COW holds exactly what its writer wrote', async () => {
    const { cow, loop, dir } = liveLoop();
    append(cow, 0, 40);
    ({ service, client } = inProcess(tempDir()));
    const s = await client.open({ cow: loop, live: {} });
    const refused = await client.writeChunk({ session: s.session, to: 'origin', chunk: 0, fill: 1 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('read-only');
    for (const args of [{ write: true }, { origin: cow }]) {
      const e = await client.open({ cow: loop, live: {}, ...args }).catch((x: unknown) => x);
      expect((e as ApiError).code, JSON.stringify(args)).toBe('bad-request');
    }
    await client.reload({ session: s.session });
    await client.close({ session: s.session });
    // The same store written by the appender alone, byte for byte.
    const { cow: reference } = persistentPair(fs.mkdtempSync(path.join(dir, 'ref-')), CHUNK_SECTORS * 512, 2 << 20);
    append(reference, 0, 40);
    expect(Buffer.compare(fs.readFileSync(cow), fs.readFileSync(reference))).toBe(0);
  });

  it('a path that is no persistent COW is one clear error, and nothing stays open', async () => {
    const dir = tempDir();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const img = path.join(dir, 'zero.img');
    fs.writeFileSync(img, Buffer.alloc(1 << 20));
    const loop = execFileSync('losetup', ['-f', '--show', img], { encoding: 'utf8' }).trim();
    cleanups.push(() => execFileSync('losetup', ['-d', loop]));
    ({ service, client } = inProcess(tempDir()));
    const e = await client.open({ cow: loop, live: {} }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).message).toMatch(/magic|not a/i);
    expect((await client.sessions({})).sessions).toEqual([]);
    const missing = await client.open({ cow: path.join(dir, 'nope'), live: {} }).catch((x: unknown) => x);
    expect((missing as ApiError).code).toBe('not-found');
  });
});
