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
