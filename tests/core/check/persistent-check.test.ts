import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import type { CheckReport } from '../../../src-core/walk/findings.ts';
import { SECTOR_BYTES } from '../../../src-core/io/block-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PersistentStore } from '../../../src-core/persistent/persistent-store.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { CASES, Fixture } from '../persistent/kernel-fixtures.ts';
import { CHUNK, GEO, getEntry, persistentCow, setEntry, setHeader } from './persistent-fixtures.ts';

function check(cow: MemoryDevice): CheckReport {
  return runToEnd(checkTask(new MemoryDevice(cow.bytes, cow.name, true)));
}

/** The report as [kind, chunk, entry] triples: what the tests pin exactly. */
function where(r: CheckReport): [string, number, number | undefined][] {
  return r.findings.map((f) => [f.kind, f.chunk, f.entry]);
}

const AREA0 = GEO.areaLocation(0);

describe('persistent check', () => {
  it('finds nothing wrong with stores the engine writes, across area boundaries', () => {
    for (const n of [0, 1, 31, 32, 33, 70]) {
      const r = check(persistentCow(n));
      expect(where(r)).toEqual([]);
      expect(r.exceptions).toBe(n);
    }
  });

  it('finds nothing wrong with the kernel-written fixtures; an overflowed one is only invalid', () => {
    for (const c of CASES) {
      const r = check(new Fixture(c).device('cow'));
      expect(where(r)).toEqual(c === 'p-overflow' ? [['p-header-invalid', 0, undefined]] : []);
    }
  });

  it('reports header problems', () => {
    const cow = persistentCow(3);
    setHeader(cow, { valid: 0, version: 2 });
    expect(where(check(cow))).toEqual([
      ['p-header-invalid', 0, undefined],
      ['p-header-version', 0, undefined],
    ]);
    setHeader(cow, { valid: 1, version: 1, chunkSectors: 3 });
    expect(where(check(cow))).toEqual([['p-header-chunk-size', 0, undefined]]);
    // PersistentStore.open refuses a chunk size that leaves no room for area 0; check says the same.
    setHeader(cow, { chunkSectors: 2 ** Math.ceil(Math.log2(cow.size / SECTOR_BYTES)) });
    expect(() => PersistentStore.open(cow)).toThrow(/leaves no room for metadata area 0/);
    expect(check(cow).findings).toMatchObject([{ kind: 'p-header-chunk-size', message: expect.stringContaining('leaves no room for metadata area 0') }]);
  });

  it('reports new_chunk past the device, on metadata, and used twice', () => {
    const cow = persistentCow(6);
    setEntry(cow, 1, 'newChunk', 10_000);
    setEntry(cow, 2, 'newChunk', GEO.areaLocation(1));
    setEntry(cow, 4, 'newChunk', getEntry(cow, 3).new);
    const r = check(cow);
    // Entries 1, 2 and 4 gave up their data chunks: below next_free they are leaks.
    expect(where(r)).toEqual([
      ['p-chunk-out-of-range', AREA0, 1],
      ['p-chunk-metadata', AREA0, 2],
      ['p-chunk-duplicate', AREA0, 4],
      ['p-usage-leak', 3, undefined],
      ['p-usage-leak', 6, undefined],
    ]);
    expect(r.findings[0]).toMatchObject({ expected: '< 256', found: '10000' });
  });

  it('reports an old_chunk remapped twice and one that is no chunk number', () => {
    const cow = persistentCow(6);
    setEntry(cow, 5, 'oldChunk', getEntry(cow, 1).old);
    setEntry(cow, 3, 'oldChunk', 2 ** 60);
    expect(where(check(cow))).toEqual([
      ['p-origin-invalid', AREA0, 3],
      ['p-origin-duplicate', AREA0, 5],
    ]);
  });

  it('reports entries after the end of the table, but not entries in a later area (which the kernel never reads)', () => {
    const cow = persistentCow(5);
    setEntry(cow, 7, 'oldChunk', 42);
    setEntry(cow, GEO.exceptionsPerArea + 2, 'newChunk', 99);
    expect(where(check(cow))).toEqual([['p-entry-after-end', AREA0, 7]]);
  });

  it('reports a full last area whose successor lies past the device', () => {
    const cow = persistentCow(32);
    const cut = new MemoryDevice(cow.bytes.slice(0, GEO.areaLocation(1) * CHUNK), 'cut');
    expect(where(check(cut))).toEqual([['p-area-past-device', GEO.areaLocation(1), undefined]]);
  });

  it('reports chunks below next_free that nothing uses', () => {
    const cow = persistentCow(4);
    setEntry(cow, 1, 'newChunk', 6);
    const r = check(cow);
    expect(where(r)).toEqual([['p-usage-leak', getEntry(persistentCow(4), 1).new, undefined]]);
    expect(r.findings[0]!.found).toBe('1 unused');
  });
});
