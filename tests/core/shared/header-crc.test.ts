/**
 * encodeHeader updates the checksum from the last header encoded into the same buffer (only the
 * changed bytes' terms): random sequences of headers, into two alternating buffers and with and
 * without the extension, always carry zlib's CRC of bytes 0..88.
 */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHeader, HEADER_LAYOUT, NO_MERGE_SLOT, SHARED_MAGIC, type SharedHeader } from '../../../src-core/shared/format/header.ts';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u53 = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const header = fc.record({
  rootChunk: u53,
  snapmask: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  treeLevel: u32,
  extension: fc.boolean(),
  extFlags: u32,
  labelChunk: u53,
  generation: u53,
  mergeSlot: fc.oneof(fc.constant(NO_MERGE_SLOT), u32),
  mergeDone: u32,
  mergeCursor: u53,
  chunkCount: u53,
  buffer: fc.integer({ min: 0, max: 1 }),
});

describe('header checksum, updated incrementally', () => {
  it('equals the CRC of bytes 0..88 after any sequence of encodes', () => {
    fc.assert(
      fc.property(fc.array(header, { minLength: 1, maxLength: 40 }), (seq) => {
        const buffers = [new Uint8Array(512), new Uint8Array(512)];
        for (const { buffer, ...fields } of seq) {
          const h: SharedHeader = { magic: SHARED_MAGIC, valid: true, version: 1, chunkSectors: 8, checksumOk: true, ...fields };
          const out = buffers[buffer]!;
          encodeHeader(h, out);
          const stored = new DataView(out.buffer).getUint32(HEADER_LAYOUT.checksum.offset, true);
          expect(stored).toBe(h.extension ? zlib.crc32(out.subarray(0, HEADER_LAYOUT.checksum.offset)) : 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
