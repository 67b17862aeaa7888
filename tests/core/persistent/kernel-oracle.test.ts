/**
 * Opt-in: boots the real kernel (the kernel-oracle tool, tests/core/crash/kernel-oracle.ts) on
 * images snapscope wrote. Run with SNAPSCOPE_ORACLE=1 after its build.sh; ~20 s (qemu boots in parallel).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';
import { pristineOrigin, type Manifest } from './kernel-fixtures.ts';
import { kernelRun, oracleSkipped, sha } from '../crash/kernel-oracle.ts';
import { rewriteCrashing, UNDO } from '../crash/power-loss.ts';
import { dumpText, parseDump } from '../ir/helpers.ts';
import { restore } from '../../../src-core/ir/restore.ts';
import { interruptedRewrite } from '../../../src-core/persistent/restore-intent.ts';

if (oracleSkipped) console.info(`kernel-oracle test skipped: ${oracleSkipped}`);

const CHUNK = 4096;

/** Seeded origin and snapshot writes on a COW snapscope formatted: 3 areas, partial writes. */
function scenario(): { origin: MemoryDevice; cow: MemoryDevice; store: PersistentStore } {
  const m = { origin_bytes: 8 << 20, chunk_sectors: 8 } as Manifest;
  const origin = new MemoryDevice(pristineOrigin(m), 'origin');
  const cow = new MemoryDevice(4 << 20, 'cow');
  const store = PersistentStore.format(cow, { chunkBytes: CHUNK });
  let seed = 7;
  const rand = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const chunks = origin.size / CHUNK;
  for (let i = 0; i < 600; i++) {
    // Runs of consecutive chunks give the merge multi-chunk runs.
    const start = rand(chunks - 8);
    for (let c = start; c < start + 1 + rand(4); c++) {
      const data = new Uint8Array(rand(2) ? CHUNK : 512).fill(1 + (i % 250));
      const offset = data.length === CHUNK ? 0 : rand(8) * 512;
      if (rand(10) === 0) store.writeSnapshot(origin, 0, c, data, offset);
      else store.writeOrigin(origin, c, data, offset);
      if (store.exceptions >= 700) break;
    }
    if (store.exceptions >= 700) break;
  }
  store.commit();
  return { origin, cow, store };
}

function view(store: PersistentStore, origin: MemoryDevice): Uint8Array {
  const out = new Uint8Array(origin.size);
  const chunk = new Uint8Array(CHUNK);
  for (let c = 0; c < origin.size / CHUNK; c++) {
    readViewChunk(store, origin, 0, c, chunk);
    out.set(chunk, c * CHUNK);
  }
  return out;
}

const accept = (mode: 'view' | 'merge', dir: string, origin: Uint8Array, cow: Uint8Array) => kernelRun(mode, dir, origin, cow, CHUNK / 512);

describe.skipIf(oracleSkipped !== null)('the real kernel on images snapscope wrote', () => {
  it('loads them with the same content and usage, and merges them to the same origin, also from a partial merge', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-oracle-'));
    const { origin, cow, store } = scenario();
    const expectedView = view(store, origin);
    const expectedStatus = store.statusText();

    // Our own merge of a copy, and a copy we merge only partly (then the kernel finishes it).
    // Run by run, so every status the kernel can show while merging is one of ours.
    const ours = { origin: new MemoryDevice(origin.bytes.slice()), cow: new MemoryDevice(cow.bytes.slice()) };
    const merging = PersistentStore.open(ours.cow, { write: true });
    const statuses = new Set([merging.statusText()]);
    const byRun = merging.merge(ours.origin, 0, { batchBytes: 1 });
    while (!byRun.step()) {
      statuses.add(merging.statusText());
      // Between commit_merge emptying an area and the next commit, prepare_merge has already stepped back one area.
      const k = merging.kernelStatus();
      if (merging.state.committed === 0 && merging.state.currentArea > 0) statuses.add(`${k.allocatedSectors}/${k.totalSectors} ${k.metadataSectors - 8}`);
    }
    statuses.add(merging.statusText());
    const partial = { origin: new MemoryDevice(origin.bytes.slice()), cow: new MemoryDevice(cow.bytes.slice()) };
    const task = PersistentStore.open(partial.cow, { write: true }).merge(partial.origin, 0, { batchBytes: 64 << 10 });
    for (let i = 0; i < 20; i++) task.step();

    const [v, m, p] = await Promise.all([
      accept('view', path.join(tmp, 'view'), origin.bytes, cow.bytes),
      accept('merge', path.join(tmp, 'merge'), origin.bytes, cow.bytes),
      accept('merge', path.join(tmp, 'partial'), partial.origin.bytes, partial.cow.bytes),
    ]);
    expect(v.state).toBe('active');
    expect(String(v.status_line)).toBe(`0 16384 snapshot ${expectedStatus}`);
    expect(v.snapshot_view_sha256).toBe(sha(expectedView));
    expect(m.merge!.result).toBe('complete');
    expect(m.origin_after_sha256).toBe(sha(ours.origin.bytes));
    expect(m.cow_after_sha256).toBe(sha(ours.cow.bytes));
    expect(m.origin_after_sha256).toBe(sha(expectedView));
    for (const line of m.merge!.polled_status_lines) expect(statuses).toContain(line.split(' ').slice(3).join(' '));
    expect(String(p.status_line)).toBe(`0 16384 snapshot ${PersistentStore.open(partial.cow).statusText()}`);
    expect(p.merge!.result).toBe('complete');
    expect(p.origin_after_sha256).toBe(sha(expectedView));
    fs.writeFileSync(path.join(tmp, 'summary.json'), JSON.stringify({ view: v.status_line, merge: m.merge, partial: p.merge }, null, 2));
    console.info(`kernel-oracle results in ${tmp}`);
  }, 900_000);

  it('loads a store restored in place from its dump like the original, and an interrupted restore as invalid', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-oracle-restore-'));
    const { origin, cow, store } = scenario();
    const dump = parseDump(dumpText(cow));
    // The damaged store: its table cut after area 0 (areas 1 and 2 zeroed); the data chunks are all there.
    const damaged = cow.bytes.slice();
    const areas = store.geometry;
    for (const a of [1, 2]) damaged.fill(0, areas.areaLocation(a) * CHUNK, (areas.areaLocation(a) + 1) * CHUNK);
    const clean = rewriteCrashing(damaged, null, (dev) => restore(dev, dump.header, dump.source, { undo: UNDO }));
    const restored = clean.cow;
    // Power lost half way: the header sector still marks the rewrite (valid = 0).
    const cut = rewriteCrashing(damaged, { crashAt: Math.floor(clean.events / 2), fate: 'random', seed: 5 }, (dev) => restore(dev, dump.header, dump.source, { undo: UNDO })).cow;
    expect(interruptedRewrite(cut)?.path).toBe(UNDO.path);
    const [r, c] = await Promise.all([accept('view', path.join(tmp, 'restored'), origin.bytes, restored.bytes), accept('view', path.join(tmp, 'interrupted'), origin.bytes, cut.bytes)]);
    expect(r.state).toBe('active');
    expect(String(r.status_line)).toBe(`0 16384 snapshot ${store.statusText()}`);
    expect(r.snapshot_view_sha256).toBe(sha(view(store, origin)));
    // The kernel loads the marked store as an invalid snapshot: it reads no table, so it never uses a torn one.
    expect(c.state).toBe('Invalid');
    console.info(`kernel-oracle results in ${tmp}`);
  }, 900_000);
});
