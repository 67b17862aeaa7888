/**
 * `merge` killed with SIGKILL at random moments, shared and persistent: the store checks clean;
 * until the merge is finished every snapshot reads as before (the merging one too); running merge
 * again leaves exactly the snapshot's image on the origin.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { openStore } from '../../src-core/open.ts';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import type { ExceptionStore } from '../../src-core/store.ts';
import { readViewChunk } from '../../src-core/view.ts';
import { cli, tempDir } from './cli.ts';
import { checkErrors, killTrials } from './crash-kill.ts';

const CHUNK = 4096;
const ORIGIN = 1024;

/** Every view of the store as bytes, by snapshot name ('origin' for the origin). */
function views(cow: string, origin: string): Map<string, Buffer> {
  const store = openStore(new MemoryDevice(new Uint8Array(fs.readFileSync(cow)), 'cow'));
  const dev = new MemoryDevice(new Uint8Array(fs.readFileSync(origin)), 'origin');
  const out = new Map<string, Buffer>();
  const buf = new Uint8Array(CHUNK);
  const read = (v: 'origin' | number) => {
    const all = Buffer.alloc(CHUNK * ORIGIN);
    for (let c = 0; c < ORIGIN; c++) {
      readViewChunk(store, dev, v, c, buf);
      all.set(buf, c * CHUNK);
    }
    return all;
  };
  out.set('origin', read('origin'));
  for (const s of store.snapshots()) out.set(s.name, read(s.slot));
  return out;
}

/** A volume whose merging snapshot has ~700 exceptions (in a shared store two others share some), as files. */
function volume(dir: string, name: string, format: 'shared' | 'persistent') {
  const cowMem = new MemoryDevice(CHUNK * 6000, 'cow');
  const origin = new MemoryDevice(CHUNK * ORIGIN, 'origin');
  for (let c = 0; c < ORIGIN; c++) origin.bytes.fill((c * 7 + 1) & 255, c * CHUNK, (c + 1) * CHUNK);
  let store: ExceptionStore;
  if (format === 'shared') {
    const s = SharedStore.format(cowMem, { chunkBytes: CHUNK });
    s.createSnapshot({ name: 'merged' });
    for (let c = 0; c < 1000; c += 2) s.writeSnapshot(origin, 0, c, new Uint8Array(CHUNK).fill(c & 255));
    s.createSnapshot({ name: 'other' });
    for (let c = 0; c < 1000; c += 3) s.writeOrigin(origin, c, new Uint8Array(CHUNK).fill(0xa5));
    s.createSnapshot({ name: 'third' });
    store = s;
  } else {
    PersistentStore.format(cowMem, { chunkBytes: CHUNK });
    store = PersistentStore.open(cowMem, { write: true });
    for (let c = 0; c < 700; c++) store.writeOrigin(origin, (c * 11) % ORIGIN, new Uint8Array(CHUNK).fill(0x5a));
  }
  store.close();
  const cow = path.join(dir, `${name}-cow.img`);
  const originFile = path.join(dir, `${name}-origin.img`);
  fs.writeFileSync(cow, cowMem.bytes);
  fs.writeFileSync(originFile, origin.bytes);
  return { cow, origin: originFile, before: views(cow, originFile), snapshot: format === 'shared' ? 'merged' : 'snap' };
}

/** The merge has started writing once the COW or the origin file was modified. */
function started(v: { cow: string; origin: string }): () => boolean {
  const mtime = (f: string) => fs.statSync(f).mtimeMs;
  const before = [mtime(v.cow), mtime(v.origin)];
  return () => mtime(v.cow) !== before[0] || mtime(v.origin) !== before[1];
}

for (const format of ['shared', 'persistent'] as const) {
  describe(`${format} merge killed with SIGKILL at random moments`, () => {
    it('checks clean, keeps every view until done, and a re-run finishes it', { timeout: 240_000 }, async () => {
      const dir = tempDir();
      const want = (v: ReturnType<typeof volume>) => v.before.get(v.snapshot)!;
      await killTrials<ReturnType<typeof volume>>({
        fresh: (name) => volume(dir, name, format),
        args: (v) => ['merge', v.cow, '--origin', v.origin, '--snapshot', v.snapshot],
        started,
        startedWhat: 'the first write',
        firstSeed: 200,
        reference: (v) => expect(Buffer.compare(fs.readFileSync(v.origin), want(v))).toBe(0),
        after: (v, at) => {
          const where = `${format}, ${at}`;
          expect(checkErrors(v.cow), where).toEqual([]);
          const now = views(v.cow, v.origin);
          for (const [name, view] of now) if (name !== 'origin') expect(Buffer.compare(view, v.before.get(name)!), `${where}: ${name} reads other data`).toBe(0);
          const again = cli('merge', v.cow, '--origin', v.origin, ...(format === 'persistent' || now.has(v.snapshot) ? ['--snapshot', v.snapshot] : []));
          if (format === 'shared' && !now.has(v.snapshot)) expect(again.code, where).not.toBe(0);
          else expect(again.code, `${where}: ${again.stderr}`).toBe(0);
          expect(Buffer.compare(fs.readFileSync(v.origin), want(v)), `${where}: the origin is not the snapshot's image`).toBe(0);
        },
      });
    });
  });
}
