import fc from 'fast-check';
import { expect, it } from 'vitest';
import { Bitset } from '../../../src-core/walk/bitset.ts';

it('setRange sets exactly the bits [from, to), whatever bits were set before', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(299)), fc.nat(300), fc.nat(300), (size, before, a, b) => {
      const bits = new Bitset(size);
      const model = new Set<number>();
      for (const i of before) {
        if (i >= size) continue;
        bits.set(i);
        model.add(i);
      }
      const [from, to] = [Math.min(a, b, size), Math.min(Math.max(a, b), size)];
      bits.setRange(from, to);
      for (let i = from; i < to; i++) model.add(i);
      for (let i = 0; i < size; i++) expect(bits.has(i)).toBe(model.has(i));
      expect(bits.count()).toBe(model.size);
    }),
  );
});

it('blank(from, to) is true only when words [from, to) hold no set bit, and true where no bit near them was ever set', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40_000 }), fc.array(fc.nat(39_999), { maxLength: 20 }), fc.nat(1300), fc.nat(1300), (size, sets, a, b) => {
      const bits = new Bitset(size);
      for (const i of sets) if (i < size) bits.set(i);
      if (sets[0] !== undefined && sets[0] + 100 < size) bits.setRange(sets[0], sets[0] + 100);
      const words = Math.ceil(size / 32);
      const [from, to] = [Math.min(a, b, words), Math.min(Math.max(a, b), words)];
      const any = bits.words.subarray(from, to).some((w) => w !== 0);
      if (any) expect(bits.blank(from, to)).toBe(false);
      // Blocks of 128 words: a block with no bit set is blank.
      const blockAny = bits.words.subarray(from & ~127, Math.min(words, (to + 127) & ~127)).some((w) => w !== 0);
      if (!blockAny) expect(bits.blank(from, to)).toBe(true);
    }),
  );
});
