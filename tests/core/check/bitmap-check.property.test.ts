/**
 * The walk compares the bitmap with the referenced chunks a word at a time; its bitmap findings
 * (used-but-free chunks, leaked runs, free bits past the device end) must be those of the same
 * comparison made a bit at a time, whatever the damage: runs across words and bitmap chunks,
 * single bits, the tail.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { bitmapChunkCount, clearBit, setBit, testBit } from '../../../src-core/shared/format/bitmap.ts';
import { SharedWalk } from '../../../src-core/walk/shared.ts';
import { S_CHUNK, sharedCow } from './shared-fixtures.ts';

const BITMAP_KINDS = new Set(['s-bitmap-free', 's-bitmap-leak', 's-bitmap-past-end']);

/** The bitmap findings a bit-at-a-time comparison makes, as [kind, chunk, message]. */
function expected(bits: Uint8Array, refs: (c: number) => boolean, chunkCount: number): [string, number, string][] {
  const out: [string, number, string][] = [];
  let leak = -1;
  const flush = (end: number) => {
    if (leak < 0) return;
    const n = end - leak;
    out.push(['s-bitmap-leak', leak, `${n === 1 ? `chunk ${leak} is` : `${n} chunks ${leak}..${end - 1} are`} marked used but referenced by nothing`]);
    leak = -1;
  };
  for (let c = 0; c < chunkCount; c++) {
    const marked = testBit(bits, c);
    const used = refs(c);
    if (marked && !used) {
      if (leak < 0) leak = c;
      continue;
    }
    flush(c);
    if (used && !marked) out.push(['s-bitmap-free', c, `chunk ${c} is in use but free in the bitmap`]);
  }
  const chunkBits = S_CHUNK * 8;
  for (let c = chunkCount; c < bitmapChunkCount(chunkCount, S_CHUNK) * chunkBits; c++) {
    if (testBit(bits, c)) continue;
    out.push(['s-bitmap-past-end', 1 + Math.floor(c / chunkBits), `bits from chunk ${c} on lie past the end of the device but are free`]);
    break;
  }
  // A run still open at the device end is reported last, after the tail chunk's own finding.
  flush(chunkCount);
  return out;
}

describe('the walk checks the bitmap a word at a time as it would a bit at a time', () => {
  const base = sharedCow(2, 200, 10_000); // three bitmap chunks of 4,096 chunks, the last one partly past the end
  const chunkCount = 10_000;
  const damage = fc.record({
    kind: fc.constantFrom('set', 'clear', 'flip'),
    at: fc.oneof(fc.nat({ max: chunkCount + 300 }), fc.integer({ min: 4060, max: 4140 }), fc.integer({ min: 9900, max: 12_287 })),
    length: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 20, max: 200 }), fc.integer({ min: 1000, max: 5000 })),
  });

  it('same findings, in the same order, for random damage to the bitmap', () => {
    const clean = new SharedWalk(new MemoryDevice(base.cow.bytes.slice(), 'cow', true));
    runToEnd(clean);
    const refs = (c: number) => clean.refs.has(c);
    fc.assert(
      fc.property(fc.array(damage, { minLength: 1, maxLength: 6 }), (damages) => {
        const bytes = base.cow.bytes.slice();
        const bits = bytes.subarray(S_CHUNK, S_CHUNK + bitmapChunkCount(chunkCount, S_CHUNK) * S_CHUNK);
        for (const d of damages) {
          for (let c = d.at; c < Math.min(d.at + d.length, bits.length * 8); c++) {
            if (d.kind === 'set' || (d.kind === 'flip' && !testBit(bits, c))) setBit(bits, c);
            else clearBit(bits, c);
          }
        }
        const report = runToEnd(new SharedWalk(new MemoryDevice(bytes, 'cow', true)));
        const got = report.findings.filter((f) => BITMAP_KINDS.has(f.kind)).map((f) => [f.kind, f.chunk, f.message]);
        expect(got).toEqual(expected(bits, refs, chunkCount));
      }),
      // A leak run that ends at the end of bitmap chunk 0, before bitmap chunk 1 which is all
      // free and not referenced (the walk does not look at that chunk's words).
      { numRuns: 120, examples: [[[{ kind: 'set', at: 4070, length: 26 }]]] },
    );
  });
});
