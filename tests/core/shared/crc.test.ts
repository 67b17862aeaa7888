/** The header checksum's CRC-32 against published check values and zlib's. */
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, headerChecksum } from '../../../src-core/shared/format/header.ts';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('crc32', () => {
  it('gives the published check values', () => {
    expect(crc32(ascii(''))).toBe(0);
    expect(crc32(ascii('a'))).toBe(0xe8b7be43);
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    expect(crc32(new Uint8Array(32))).toBe(0x190a55ad);
    expect(crc32(new Uint8Array(32).fill(0xff))).toBe(0xff6cab0b);
  });

  it('agrees with zlib on random bytes, and the header checksum covers bytes 0..88', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => crc32(b) === zlib.crc32(b)));
    const header = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) & 255);
    expect(headerChecksum(header)).toBe(zlib.crc32(header.subarray(0, 88)));
  });
});
