/**
 * The paged bitmap's parts that repair's search, the live store under a restore and restore's
 * builder use (read from a device, set, OR of another bitmap and of a bitset's words, the next
 * used chunk, byte reads), against a flat bitmap looked at a bit at a time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { PagedBitmap, readPagedBitmap } from '../../../src-core/shared/alloc/paged-bitmap.ts';
import { FIRST_BITMAP_CHUNK } from '../../../src-core/shared/format/bitmap.ts';
import { Bitset } from '../../../src-core/walk/bitset.ts';

const CB = 512; // a page (bitmap chunk) holds 4,096 chunks
const PAGE = CB * 8;

const test = (bits: Uint8Array, c: number) => (bits[c >>> 3]! & (1 << (c & 7))) !== 0;
const set = (bits: Uint8Array, c: number) => (bits[c >>> 3]! |= 1 << (c & 7));

/** Chunk numbers, mostly bunched (a page with a few, pages with none), some anywhere. */
const chunksIn = (chunkCount: number) =>
  fc.array(fc.oneof(fc.nat({ max: chunkCount - 1 }), fc.nat({ max: Math.min(chunkCount - 1, 300) }).map((c) => (chunkCount - 1 - c) % chunkCount)), { maxLength: 400 });

const scenario = fc.integer({ min: 40, max: 5 * PAGE }).chain((chunkCount) =>
  fc.record({
    chunkCount: fc.constant(chunkCount),
    disk: chunksIn(chunkCount),
    sets: chunksIn(chunkCount),
    other: chunksIn(chunkCount),
    refs: chunksIn(chunkCount),
    froms: fc.array(fc.nat({ max: chunkCount + 40 }), { maxLength: 40 }),
  }),
);

describe('PagedBitmap against a flat bitmap', () => {
  it('reads, sets, ORs in bitmaps and bitsets, and finds the next used chunk as the flat bitmap does, holding only pages with a used chunk', () => {
    fc.assert(
      fc.property(scenario, ({ chunkCount, disk, sets, other, refs, froms }) => {
        const pages = Math.ceil(chunkCount / PAGE);
        const flat = new Uint8Array(pages * CB);
        // On disk: the bitmap after the header chunk, a few chunks marked, the bits past the end free (a seed-written store).
        const onDisk = new Uint8Array(pages * CB);
        for (const c of disk) set(onDisk, c);
        const dev = new MemoryDevice((FIRST_BITMAP_CHUNK + pages) * CB, 'm');
        dev.write(FIRST_BITMAP_CHUNK * CB, onDisk);
        const bm = readPagedBitmap(dev, chunkCount, CB);
        flat.set(onDisk);
        for (let c = chunkCount; c < pages * PAGE; c++) set(flat, c);
        for (const c of sets) {
          if (bm.isUsed(c)) continue;
          bm.set(c);
          set(flat, c);
        }
        const o = new PagedBitmap(null, chunkCount, CB, 'o');
        for (const c of other) if (!o.isUsed(c)) (o.set(c), set(flat, c));
        bm.loadAll(o);
        // A walk's referenced chunks, looked at only where its bitset says a bit was set.
        const referenced = new Bitset(chunkCount);
        for (const c of refs) (referenced.set(c), set(flat, c));
        bm.orWords(referenced.words, (from, to) => referenced.blank(from, to));

        for (let c = 0; c < pages * PAGE; c++) if (bm.isUsed(c) !== test(flat, c)) expect([c, bm.isUsed(c)]).toEqual([c, test(flat, c)]);
        for (const from of [0, ...froms]) {
          let want = -1;
          for (let c = from; c < pages * PAGE; c++) if (test(flat, c)) ((want = c), (c = Infinity));
          expect(bm.nextUsed(from)).toBe(want);
        }
        // Walking used chunks one after the other meets every used chunk once.
        let n = 0;
        for (let c = bm.nextUsed(0); c >= 0; c = bm.nextUsed(c + 1)) n++;
        let used = 0;
        for (let c = 0; c < pages * PAGE; c++) if (test(flat, c)) used++;
        expect(n).toBe(used);
        expect(bm.freeCount).toBe(pages * PAGE - used);
        const read = new Uint8Array(flat.length);
        bm.readBytes(0, read);
        expect(Buffer.compare(read, flat)).toBe(0);
        let held = 0;
        for (let p = 0; p < pages; p++) if (flat.subarray(p * CB, (p + 1) * CB).some((b) => b !== 0)) held += CB;
        expect(bm.pageBytes).toBe(held);
      }),
      // No shrinking: each run walks 20k bits per question, and shrinking 400-element arrays took minutes.
      { numRuns: 150, endOnFailure: true },
    );
  });
});
