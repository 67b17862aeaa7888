/**
 * The paged allocation bitmap against a flat one: next-fit allocation, frees (one by one and a
 * word at a time), counts, what a flush writes, open's load and leak reclaim, and memory that
 * follows the pages with a used chunk.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECTOR_BYTES } from '../../../src-core/io/block-device.ts';
import { BitmapAllocator } from '../../../src-core/shared/alloc/bitmap-allocator.ts';

const CB = 512; // a page (bitmap chunk) holds 4,096 chunks
const PAGE = CB * 8;

const test = (bits: Uint8Array, c: number) => (bits[c >>> 3]! & (1 << (c & 7))) !== 0;
const set = (bits: Uint8Array, c: number) => (bits[c >>> 3]! |= 1 << (c & 7));
const clear = (bits: Uint8Array, c: number) => (bits[c >>> 3]! &= ~(1 << (c & 7)));

/** The flat bitmap and next-fit cursor the allocator must behave as. */
class Model {
  cursorWord = 0;
  constructor(
    readonly bits: Uint8Array,
    readonly chunkCount: number,
  ) {}
  allocate(): number | null {
    const end = this.bits.length * 8;
    const from = this.cursorWord * 32;
    for (const [a, b] of [[from, end], [0, from]] as const) {
      for (let c = a; c < b; c++) {
        if (test(this.bits, c)) continue;
        set(this.bits, c);
        this.cursorWord = c >>> 5;
        return c;
      }
    }
    return null;
  }
  get free(): number {
    let n = 0;
    for (let c = 0; c < this.chunkCount; c++) if (!test(this.bits, c)) n++;
    return n;
  }
}

const scenario = fc
  .record({
    pages: fc.integer({ min: 1, max: 5 }),
    tail: fc.integer({ min: 0, max: PAGE - 1 }),
    // Per page: empty, sparse, dense or full on disk.
    kinds: fc.array(fc.constantFrom('empty', 'sparse', 'dense', 'full'), { minLength: 5, maxLength: 5 }),
    seed: fc.integer(),
    reclaim: fc.boolean(),
  })
  .chain((s) => {
    const chunkCount = Math.max(40, (s.pages - 1) * PAGE + s.tail);
    const op = fc.oneof(
      { arbitrary: fc.constant({ kind: 'allocate' as const, at: 0, span: 0 }), weight: 6 },
      { arbitrary: fc.record({ kind: fc.constant('release' as const), at: fc.nat({ max: chunkCount - 1 }), span: fc.constant(0) }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant('releaseWord' as const), at: fc.nat({ max: chunkCount - 1 }), span: fc.integer({ min: 1, max: 0xffffffff }) }), weight: 2 },
      { arbitrary: fc.record({ kind: fc.constant('rewind' as const), at: fc.nat({ max: chunkCount - 1 }), span: fc.constant(0) }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant('count' as const), at: fc.nat({ max: chunkCount - 1 }), span: fc.nat({ max: 3 * PAGE }) }), weight: 1 },
      { arbitrary: fc.constant({ kind: 'flush' as const, at: 0, span: 0 }), weight: 2 },
    );
    return fc.record({ s: fc.constant({ ...s, chunkCount }), ops: fc.array(op, { maxLength: 300 }) });
  });

function diskBitmap(chunkCount: number, kinds: readonly string[], seed: number): Uint8Array {
  const pages = Math.ceil(chunkCount / PAGE);
  const bits = new Uint8Array(pages * CB);
  let x = seed | 1;
  const rnd = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
  for (let p = 0; p < pages; p++) {
    const kind = kinds[p]!;
    for (let c = p * PAGE; c < (p + 1) * PAGE && c < chunkCount; c++) {
      const r = rnd() % 100;
      if (kind === 'full' || (kind === 'dense' && r < 90) || (kind === 'sparse' && r < 2)) set(bits, c);
    }
  }
  // The header and bitmap chunks.
  for (let c = 0; c < 1 + pages; c++) set(bits, c);
  return bits;
}

describe('BitmapAllocator (paged) against a flat bitmap', () => {
  it('allocates, frees, counts, flushes and loads as the flat bitmap does, holding only pages with a used chunk', () => {
    fc.assert(
      fc.property(scenario, ({ s, ops }) => {
        const { chunkCount } = s;
        const disk = diskBitmap(chunkCount, s.kinds, s.seed);
        const alloc = new BitmapAllocator(null, chunkCount, CB, 'm');
        for (let p = 0; p < disk.length / CB; p++) alloc.load(p, disk.slice(p * CB, (p + 1) * CB));
        const flat = disk.slice();
        for (let c = chunkCount; c < flat.length * 8; c++) set(flat, c);
        if (s.reclaim) {
          // Open keeps what the walk found referenced: here every other used chunk, and the reserved ones.
          const keep = new Uint32Array(Math.ceil(chunkCount / 32));
          const keepBits = new Uint8Array(keep.buffer);
          for (let c = 0; c < chunkCount; c++) if (c < 1 + disk.length / CB || c % 2 === 0) set(keepBits, c);
          alloc.keepOnly(keep);
          for (let c = 0; c < chunkCount; c++) if (!test(keepBits, c)) clear(flat, c);
        }
        const model = new Model(flat, chunkCount);
        const written = disk.slice();
        const changed = new Set<number>();
        for (const o of ops) {
          if (o.kind === 'allocate') {
            const want = model.allocate();
            if (want === null) expect(() => alloc.allocate()).toThrow(/full/);
            else {
              expect(alloc.allocate()).toBe(want);
              changed.add(want);
            }
          } else if (o.kind === 'release') {
            if (!test(flat, o.at)) expect(() => alloc.release(o.at)).toThrow(/freed twice/);
            else {
              alloc.release(o.at);
              clear(flat, o.at);
              changed.add(o.at);
            }
          } else if (o.kind === 'releaseWord') {
            const w = o.at >>> 5;
            let mask = 0;
            for (let k = 0; k < 32; k++) if ((o.span >>> k) & 1 && w * 32 + k < chunkCount && test(flat, w * 32 + k)) mask |= 1 << k;
            if (mask === 0) continue;
            alloc.releaseWord(w, mask);
            for (let k = 0; k < 32; k++) if ((mask >>> k) & 1) (clear(flat, w * 32 + k), changed.add(w * 32 + k));
          } else if (o.kind === 'rewind') {
            alloc.rewindTo(o.at);
            model.cursorWord = Math.min(model.cursorWord, o.at >>> 5);
          } else if (o.kind === 'count') {
            const to = Math.min(chunkCount, o.at + o.span);
            let n = 0;
            for (let c = o.at; c < to; c++) if (test(flat, c)) n++;
            expect(alloc.countUsed(o.at, to)).toBe(n);
          } else {
            alloc.flushDirty((offset, bytes) => {
              expect(offset % SECTOR_BYTES).toBe(0);
              expect(bytes.length % SECTOR_BYTES).toBe(0);
              expect([...bytes]).toEqual([...flat.subarray(offset, offset + bytes.length)]);
              written.set(bytes, offset);
            });
            for (const c of changed) expect(test(written, c)).toBe(test(flat, c));
            changed.clear();
            expect(alloc.dirty).toBe(false);
          }
          expect(alloc.freeCount).toBe(model.free);
        }
        for (let c = 0; c < flat.length * 8; c++) if (alloc.isUsed(c) !== test(flat, c)) expect([c, alloc.isUsed(c)]).toEqual([c, test(flat, c)]);
        const read = new Uint8Array(flat.length);
        alloc.readBytes(0, read);
        expect(Buffer.compare(read, flat)).toBe(0);
        let held = 0;
        for (let p = 0; p < flat.length / CB; p++) if (flat.subarray(p * CB, (p + 1) * CB).some((b) => b !== 0)) held += CB;
        expect(alloc.pageBytes).toBe(held);
      }),
      { numRuns: 150 },
    );
  });

  it('holds the pages of the used chunks only, at the format limit of 2^32 - 1 chunks of 4 KiB (its flat bitmap: 512 MiB)', () => {
    const alloc = new BitmapAllocator(null, 2 ** 32 - 1, 4096, 'big');
    alloc.markRange(0, 131_073); // the header and bitmap chunks: four pages and a chunk
    expect(alloc.freeCount).toBe(2 ** 32 - 1 - 131_073);
    const got = Array.from({ length: 1000 }, () => alloc.allocate());
    expect(got[0]).toBe(131_073);
    expect(got[999]).toBe(132_072);
    // The reserved pages, the one allocated into, and the tail (the bit past the end).
    expect(alloc.pageBytes).toBe(6 * 4096);
    alloc.mark(2 ** 31 + 5);
    expect(alloc.pageBytes).toBe(7 * 4096);
    alloc.release(2 ** 31 + 5); // its page emptied: given back
    expect(alloc.pageBytes).toBe(6 * 4096);
    for (const c of got) alloc.release(c);
    expect(alloc.countUsed(0, 2 ** 32 - 1)).toBe(131_073);
    expect(alloc.freeCount).toBe(2 ** 32 - 1 - 131_073);
  });
});
