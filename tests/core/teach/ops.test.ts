import { describe, expect, it } from 'vitest';
import { formatOp, parseOp, type TeachOp } from '../../../src-core/teach/index.ts';

describe('operation text', () => {
  it.each([
    ['create', { op: 'create' }],
    ['create snapshot nightly', { op: 'create', name: 'nightly' }, 'create nightly'],
    ['write origin 5', { op: 'write-origin', chunk: 5 }],
    ['WO 0-19', { op: 'write-origin', chunk: 0, to: 19 }, 'write origin 0-19'],
    ['write snapshot 1 5', { op: 'write-snapshot', slot: 1, chunk: 5 }],
    ['ws 2 3-3', { op: 'write-snapshot', slot: 2, chunk: 3 }, 'write snapshot 2 3'],
    ['delete snapshot 1', { op: 'delete', slot: 1 }, 'delete 1'],
    ['merge 0', { op: 'merge', slot: 0 }],
    ['quiet write origin 0-9', { op: 'write-origin', chunk: 0, to: 9, quiet: true }],
  ] as [string, TeachOp, string?][])('%s', (text, parsed, canonical = text) => {
    expect(parseOp(text)).toEqual(parsed);
    expect(formatOp(parseOp(text))).toBe(canonical);
  });

  it.each([
    ['', /empty/],
    ['jump 3', /unknown operation "jump"/],
    ['write 5', /origin" or "snapshot/],
    ['write origin five', /chunk is a number/],
    ['write origin 9-3', /runs backwards/],
    ['delete 64', /0\.\.63/],
    ['create a b', /unexpected "b"/],
  ])('refuses %j', (text, why) => {
    expect(() => parseOp(text)).toThrow(why);
  });
});
