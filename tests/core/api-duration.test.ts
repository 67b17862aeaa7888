import { expect, it } from 'vitest';
import { duration } from '../../src-core/api/duration.ts';

it('two units at most, the second zero-padded, at each boundary', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [59.4, '59s'],
    [59.6, '1m00s'],
    [65, '1m05s'],
    [3599, '59m59s'],
    [3600, '1h00m'],
    [3600 * 3 + 7 * 60 + 59, '3h07m'],
    [86399, '23h59m'],
    [86400, '1d00h'],
    [86400 * 12 + 3600 * 5, '12d05h'],
  ];
  for (const [seconds, text] of cases) expect(duration(seconds), String(seconds)).toBe(text);
});
