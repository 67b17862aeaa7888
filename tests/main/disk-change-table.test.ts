/**
 * Issue 15: a persistent COW the kernel writes gains exceptions without any change to its header,
 * and a block device has no mtime. The host must still notice: a second process appends to the
 * table of a loop device the way the kernel does (the engine's persistent writer), and the session
 * that has it open read-only hears `disk-changed`; a reload shows the new exception.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { inProcess, persistentPair, tempDir } from './fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const why = process.getuid?.() !== 0 ? 'not root: cannot create loop devices (CI runs this as root)' : !fs.existsSync('/dev/loop-control') ? 'no loop devices here' : null;

/** What the kernel does on a write to the origin: copy the chunk to the next free COW chunk, then append its entry. The header is never written. */
const KERNEL_LIKE = `
import { FileDevice } from ${JSON.stringify(path.join(ROOT, 'src-main/host/file-device.ts'))};
import { PersistentStore } from ${JSON.stringify(path.join(ROOT, 'src-core/persistent/index.ts'))};
const [cowPath, originPath, ...chunks] = process.argv.slice(2);
const cow = FileDevice.open(cowPath, { write: true });
const origin = FileDevice.open(originPath, { write: true });
const store = PersistentStore.open(cow, { write: true });
for (const chunk of chunks) store.writeOrigin(origin, Number(chunk), new Uint8Array(store.chunkBytes).fill(0x77));
store.commit();
origin.close();
cow.close();
`;

let service: EngineService | undefined;
const loops: string[] = [];
afterEach(async () => {
  await service?.dispose();
  service = undefined;
  for (const l of loops.splice(0)) spawnSync('losetup', ['-d', l]);
});

(why ? describe.skip : describe)(why ?? 'changes to a persistent table behind the session', () => {
  it('an append to the table of a block device, header untouched, is announced once; reload reads it', async () => {
    const dir = tempDir();
    const pair = persistentPair(dir, 4096, 4 << 20, 2 << 20);
    const script = path.join(dir, 'kernel-like.ts');
    fs.writeFileSync(script, KERNEL_LIKE);
    const append = (dev: string, ...chunks: number[]): void => void execFileSync(process.execPath, ['--import', 'tsx', script, dev, pair.origin, ...chunks.map(String)], { cwd: ROOT });
    const dev = execFileSync('losetup', ['-f', '--show', pair.cow], { encoding: 'utf8' }).trim();
    loops.push(dev);
    append(dev, 3); // a table that is not empty

    const r = inProcess(path.join(dir, 'data'));
    service = r.service;
    const events: ApiEvent[] = [];
    r.client.onEvent((e) => events.push(e));
    const s = await r.client.open({ cow: dev, origin: pair.origin });
    expect(s.info.exceptions).toBe(1);
    const header = (): Buffer => fs.readFileSync(pair.cow).subarray(0, 4096);
    const before = header();

    append(dev, 9);
    expect(header().equals(before)).toBe(true); // the kernel's way: nothing but the area and the data
    await expect.poll(() => events.filter((e) => e.type === 'disk-changed' && e.session === s.session).length, { timeout: 5000 }).toBe(1);
    const fresh = await r.client.reload({ session: s.session });
    expect(fresh.info.exceptions).toBe(2);

    // A full area: the next append goes to a new area, still without the header.
    append(dev, ...Array.from({ length: 254 }, (_, i) => 10 + i)); // 256 entries: area 0 is full
    await r.client.reload({ session: s.session });
    const seen = events.filter((e) => e.type === 'disk-changed').length;
    append(dev, 300);
    await expect.poll(() => events.filter((e) => e.type === 'disk-changed').length, { timeout: 5000 }).toBe(seen + 1);
    expect((await r.client.reload({ session: s.session })).info.exceptions).toBe(257);
  }, 120_000);
});
