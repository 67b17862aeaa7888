/**
 * Leaves and nodes read and write le32 fields as Uint32Array words on a little-endian host and
 * through the DataView otherwise (format/le.ts le32Words). Both paths must leave the same bytes
 * and give the same answers: the DataView one is what a big-endian host runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LITTLE_ENDIAN_HOST } from '../../../src-core/shared/format/le.ts';
import { EXCEPTION_BYTES, LeafView, MAP_ENTRY_BYTES } from '../../../src-core/shared/format/leaf.ts';
import { NodeView } from '../../../src-core/shared/format/node.ts';
import { LeafClearing } from '../../../src-core/shared/format/leaf-clearing.ts';

const CHUNK = 512;

describe('le32 words and the DataView agree', () => {
  it('this host is little-endian, so the word path is the one the other tests run', () => {
    expect(LITTLE_ENDIAN_HOST).toBe(true);
  });

  it('leaf inserts, finds and reads (origins even, clustered and skewed)', () => {
    // Offsets from base_chunk: a narrow band, the whole 32-bit range, a cluster at its top, and a skewed spread.
    const rel = fc.oneof(
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      fc.integer({ min: 2 ** 32 - 40, max: 2 ** 32 - 1 }),
      fc.integer({ min: 0, max: 30 }).map((k) => 2 ** k),
    );
    const op = fc.record({ origin: rel, lo: fc.integer({ min: 1, max: 2 ** 32 - 1 }), hi: fc.nat(), chunk: fc.integer({ min: 0, max: 2 ** 40 }) });
    const probe = fc.oneof(rel, fc.integer({ min: -5, max: 2 ** 33 }));
    fc.assert(
      fc.property(fc.constantFrom(512, 4096), fc.integer({ min: 0, max: 2 ** 40 }), fc.array(op, { maxLength: 300 }), fc.array(probe, { maxLength: 60 }), (size, base, ops, probes) => {
        const words = new LeafView(1, new Uint8Array(size));
        const view = new LeafView(1, new Uint8Array(size), false);
        words.init(base);
        view.init(base);
        for (const o of ops) {
          const origin = base + o.origin;
          let i = words.find(origin);
          expect(view.find(origin)).toBe(i);
          const need = EXCEPTION_BYTES + (i >= 0 ? 0 : MAP_ENTRY_BYTES);
          expect(view.freeBytes()).toBe(words.freeBytes());
          if (words.freeBytes() < need) continue;
          if (i < 0) {
            i = -i - 1;
            words.insertOrigin(i, origin);
            view.insertOrigin(i, origin);
          }
          expect(view.insertException(i, o.lo, o.hi, o.chunk)).toBe(words.insertException(i, o.lo, o.hi, o.chunk));
        }
        expect(Buffer.compare(view.bytes, words.bytes)).toBe(0);
        for (const p of probes) expect(view.find(base + p)).toBe(words.find(base + p));
        for (let k = 0; k < words.count; k++) expect(words.find(words.origin(k))).toBe(k);
        expect([view.count, view.baseChunk, view.usingLo, view.usingHi]).toEqual([words.count, words.baseChunk, words.usingLo, words.usingHi]);
        for (let k = 0; k <= words.count; k++) expect([view.listStart(k), view.rchunk(k)]).toEqual([words.listStart(k), words.rchunk(k)]);
        for (let e = words.listStart(0); e < size; e += EXCEPTION_BYTES) {
          expect([view.shareLo(e), view.shareHi(e), view.exceptionChunk(e)]).toEqual([words.shareLo(e), words.shareHi(e), words.exceptionChunk(e)]);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('leaf clearBits: same bytes, drops, unshares and using_mask', () => {
    // Masks of a few slots (0, 1, 31, 32, 33, 63), so clearing one often leaves none and the exception is dropped.
    const bits = fc.constantFrom(0, 1, 2, 3, 2 ** 31, 2 ** 31 + 1);
    const op = fc.record({ rel: fc.integer({ min: 0, max: 40 }), lo: bits, hi: bits, chunk: fc.integer({ min: 0, max: 2 ** 40 }) });
    fc.assert(
      fc.property(fc.constantFrom(512, 4096), fc.integer({ min: 0, max: 2 ** 40 }), fc.array(op, { maxLength: 200 }), fc.constantFrom(0, 1, 31, 32, 33, 63), fc.nat(45), fc.nat(45), (size, base, ops, slot, a, b) => {
        const words = new LeafView(1, new Uint8Array(size));
        const view = new LeafView(1, new Uint8Array(size), false);
        words.init(base);
        view.init(base);
        for (const o of ops) {
          if ((o.lo | o.hi) === 0) continue;
          let i = words.find(base + o.rel);
          if (words.freeBytes() < EXCEPTION_BYTES + (i >= 0 ? 0 : MAP_ENTRY_BYTES)) continue;
          if (i < 0) {
            i = -i - 1;
            words.insertOrigin(i, base + o.rel);
            view.insertOrigin(i, base + o.rel);
          }
          words.insertException(i, o.lo, o.hi, o.chunk);
          view.insertException(i, o.lo, o.hi, o.chunk);
        }
        const lo = slot < 32 ? (1 << slot) >>> 0 : 0;
        const hi = slot < 32 ? 0 : (1 << (slot - 32)) >>> 0;
        const [from, to] = [base + Math.min(a, b), base + Math.max(a, b)];
        const outW = new LeafClearing(size);
        const outV = new LeafClearing(size);
        expect(view.clearBits(lo, hi, outV, from, to)).toBe(words.clearBits(lo, hi, outW, from, to));
        expect(Buffer.compare(view.bytes, words.bytes)).toBe(0);
        expect([...outV.freed.subarray(outV.freedAt)]).toEqual([...outW.freed.subarray(outW.freedAt)]);
        expect([...outV.unshared.subarray(outV.unsharedAt)]).toEqual([...outW.unshared.subarray(outW.unsharedAt)]);
        expect([view.count, view.usingLo, view.usingHi]).toEqual([words.count, words.usingLo, words.usingHi]);
      }),
      { numRuns: 150 },
    );
  });

  it('node search and children, keys above 2^32 included', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 2 ** 45 }), { maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 2 ** 46 }), { maxLength: 30 }), (raw, probes) => {
        const keys = [0, ...raw.sort((a, b) => a - b)];
        const words = new NodeView(1, new Uint8Array(CHUNK));
        const view = new NodeView(1, new Uint8Array(CHUNK), false);
        keys.forEach((k, i) => {
          words.insert(i, k, 1000 + i * 2 ** 33);
          view.insert(i, k, 1000 + i * 2 ** 33);
        });
        expect(view.bytes).toEqual(words.bytes);
        expect(view.count).toBe(words.count);
        for (const p of [...probes, ...keys]) expect(view.search(p)).toBe(words.search(p));
        for (let i = 0; i < keys.length; i++) expect(view.child(i)).toBe(words.child(i));
      }),
      { numRuns: 200 },
    );
  });
});
