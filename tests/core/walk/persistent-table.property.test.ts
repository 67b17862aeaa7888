/**
 * The persistent walker's table pass has a fast path (ordinary entries, integers only, new_chunk
 * not stored while entries follow allocation order) and a judging path (every rule named, taken
 * for anything else and for every entry when there is a visitor). Over random tables — entries in
 * and out of allocation order, repeated and huge old_chunks, new_chunks on metadata, past the
 * device, used twice or past 2^53 — both paths give the same report and table, and the table is the
 * one a plain decoder (the model) reads, with the repeated old_chunks and leaked chunks the model finds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { ExceptionTable } from '../../../src-core/persistent/exception-table.ts';
import { ENTRY_BYTES, Geometry, SNAP_MAGIC, encodeHeader, view } from '../../../src-core/persistent/format.ts';
import { PersistentWalk } from '../../../src-core/walk/persistent.ts';

const CB = 512;
const GEO = new Geometry(CB / 512); // 32 entries per area
const CHUNKS = 200;
const TWO_32 = 2 ** 32;

/** A le64 as its two le32 halves, so values past 2^53 can be written too. */
type Le64 = [lo: number, hi: number];
const le64 = (value: number): Le64 => [value % TWO_32, Math.floor(value / TWO_32)];

const oldChunk = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 60 }).map(le64) },
  // Around the walker's bitmap of values seen (it starts at the chunk count and doubles, up to 64 bits per chunk).
  { weight: 2, arbitrary: fc.integer({ min: CHUNKS - 40, max: CHUNKS * 64 + 40 }).map(le64) },
  { weight: 1, arbitrary: fc.integer({ min: TWO_32 - 2, max: TWO_32 + 3 }).map(le64) },
  { weight: 1, arbitrary: fc.constantFrom<Le64>([0, 0x20_0000], [7, 0xffff_ffff]) },
);
/** new_chunk: `null` is the chunk the allocator hands out next for this entry. */
const newChunk = fc.oneof(
  { weight: 8, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: CHUNKS + 5 }).map(le64) },
  { weight: 1, arbitrary: fc.constantFrom<Le64>([5, 1], [3, 0x20_0000]) },
);
const table = fc.record({
  entries: fc.array(fc.tuple(oldChunk, newChunk), { maxLength: 110 }),
  /** Garbage after the end in the area that ends the table (the walker reports it). */
  tail: fc.boolean(),
});

function buildCow(entries: [Le64, Le64 | null][], tail: boolean): MemoryDevice {
  const cow = new MemoryDevice(CHUNKS * CB, 'cow');
  encodeHeader({ magic: SNAP_MAGIC, valid: 1, version: 1, chunkSectors: CB / 512 }, cow.bytes);
  const v = view(cow.bytes);
  const epa = GEO.exceptionsPerArea;
  const at = (i: number): number => GEO.areaLocation(Math.floor(i / epa)) * CB + (i % epa) * ENTRY_BYTES;
  entries.forEach(([old, nu], i) => {
    if (at(i) + ENTRY_BYTES > cow.size) return;
    const n = nu ?? le64(GEO.allocatedChunk(i));
    v.setUint32(at(i), old[0], true);
    v.setUint32(at(i) + 4, old[1], true);
    v.setUint32(at(i) + 8, n[0], true);
    v.setUint32(at(i) + 12, n[1], true);
  });
  const end = entries.length;
  if (tail && end % epa !== epa - 1 && at(end + 1) + ENTRY_BYTES <= cow.size) v.setUint32(at(end + 1), 9, true);
  return cow;
}

/** The model: a plain decoder of the table and the walker's rules for what it keeps. */
function model(cow: MemoryDevice): { olds: number[]; news: number[]; repeats: number[]; leaks: [number, string][] } {
  const v = view(cow.bytes);
  const chunkCount = Math.floor(cow.size / CB);
  const olds: number[] = [];
  const news: number[] = [];
  const used = new Set<number>();
  for (let area = 0; GEO.areaLocation(area) < chunkCount; area++) {
    let slot = 0;
    for (; slot < GEO.exceptionsPerArea; slot++) {
      const at = GEO.areaLocation(area) * CB + slot * ENTRY_BYTES;
      const value = (o: number): number => (v.getUint32(at + o + 4, true) >= 0x20_0000 ? -1 : v.getUint32(at + o + 4, true) * TWO_32 + v.getUint32(at + o, true));
      const [o, n] = [value(0), value(8)];
      if (v.getUint32(at + 8, true) === 0 && v.getUint32(at + 12, true) === 0) break;
      olds.push(o);
      // A data chunk of the device no earlier entry named; an entry that names one again keeps -1.
      const dataChunk = n >= 0 && n < chunkCount && !GEO.isMetadataChunk(n);
      news.push(dataChunk && !used.has(n) ? n : -1);
      if (dataChunk) used.add(n);
    }
    if (slot < GEO.exceptionsPerArea) break;
  }
  const seen = new Set<number>();
  const repeats: number[] = [];
  olds.forEach((o, i) => {
    if (o < 0) return;
    if (seen.has(o)) repeats.push(i);
    seen.add(o);
  });
  // Leaks: runs of data chunks below next_free (one past the highest new_chunk kept) that no entry uses.
  const nextFree = Math.max(1, ...news) + 1;
  const leaks: [number, string][] = [];
  let run: number[] = [];
  for (let c = 2; c <= nextFree; c++) {
    if (c < nextFree && GEO.isMetadataChunk(c)) continue;
    if (c < nextFree && !used.has(c)) run.push(c);
    else if (run.length > 0) {
      leaks.push([run[0]!, `${run.length} unused`]);
      run = [];
    }
  }
  return { olds, news, repeats, leaks };
}

function walk(cow: MemoryDevice, withVisitor: boolean) {
  const w = new PersistentWalk(cow, { keepTable: true, ...(withVisitor ? { visit: () => {} } : {}) });
  while (!w.step());
  const t = w.table();
  const n = t.count;
  const news = t.newChunk ? [...t.newChunk.subarray(0, n)] : Array.from({ length: n }, (_, i) => GEO.allocatedChunk(i));
  return { report: w.result(), olds: [...t.oldChunk.subarray(0, n)], news, repeats: [...w.originRepeats], cursor: [t.currentArea, t.committed, t.nextFree] };
}

describe('persistent walker: the table pass', () => {
  it('fast path == judging path == a plain decoder, on random tables', () => {
    fc.assert(
      fc.property(table, ({ entries, tail }) => {
        const cow = buildCow(entries, tail);
        const fast = walk(cow, false);
        const judged = walk(cow, true);
        expect(fast).toEqual(judged);
        const m = model(cow);
        expect(fast.olds).toEqual(m.olds);
        expect(fast.news).toEqual(m.news);
        expect(fast.repeats).toEqual(m.repeats);
        expect(fast.report.findings.filter((f) => f.kind === 'p-usage-leak').map((f) => [f.chunk, f.found])).toEqual(m.leaks);
      }),
      { numRuns: 400 },
    );
  });

  it('a table in allocation order keeps its new_chunks implicit until an entry leaves that order; origins widen past 2^32', () => {
    const origin = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 1000 }) }, { weight: 1, arbitrary: fc.integer({ min: TWO_32, max: 2 ** 53 - 1 }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(origin, fc.option(fc.integer({ min: 2, max: 5000 }), { freq: 3 })), { maxLength: 120 }), fc.nat(20), (pushes, start) => {
        const olds = Uint32Array.from({ length: 16 }, (_, i) => i + 5000);
        const t = ExceptionTable.adopt(olds, null, Math.min(start, 16), GEO);
        const want = Array.from({ length: t.count }, (_, i) => GEO.allocatedChunk(i));
        const wantOlds = [...olds.subarray(0, t.count)];
        for (const [o, chunk] of pushes) {
          const c = chunk ?? GEO.allocatedChunk(t.count);
          t.push(o, c);
          want.push(c);
          wantOlds.push(o);
        }
        expect([...t.newChunk.subarray(0, t.count)]).toEqual(want);
        expect([...t.oldChunk.subarray(0, t.count)]).toEqual(wantOlds);
      }),
      { numRuns: 200 },
    );
  });
});
