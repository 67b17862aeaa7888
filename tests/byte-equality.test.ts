import { expect, it } from 'vitest';
import { sameIntegerArray } from './byte-equality.ts';

/** The byte comparison tests/byte-equality.ts gives toEqual: as strict as vitest's own, only faster. */
it('equal integer arrays are equal; one byte, the length or the type apart they are not', () => {
  const a = Uint8Array.from({ length: 4 << 20 }, (_, i) => (i * 7) & 255);
  const b = a.slice();
  expect(b).toEqual(a);
  b[3 << 20] = a[3 << 20]! ^ 1;
  expect(b).not.toEqual(a);
  expect(sameIntegerArray(b, a)).toBe(false);
  expect(a.subarray(0, 100)).not.toEqual(a.subarray(0, 101));
  expect(new Uint16Array(a.buffer, 8, 16)).toEqual(new Uint16Array(a.slice(8, 40).buffer));
  expect(new Uint16Array(a.buffer, 8, 16)).not.toEqual(new Uint16Array(a.slice(10, 42).buffer));
  expect(Buffer.from([1, 2, 3])).toEqual(Buffer.from([1, 2, 3]));
  expect(Buffer.from([1, 2, 3])).not.toEqual(Buffer.from([1, 2, 4]));
  // Not for this tester: another type, floats (-0 is not 0 to toEqual, NaN is NaN), plain arrays.
  expect(sameIntegerArray(new Uint8Array(2), new Int8Array(2))).toBeUndefined();
  expect(sameIntegerArray(new Float64Array([0]), new Float64Array([-0]))).toBeUndefined();
  expect(new Float64Array([0])).not.toEqual(new Float64Array([-0]));
  expect(sameIntegerArray([1], [1])).toBeUndefined();
});
