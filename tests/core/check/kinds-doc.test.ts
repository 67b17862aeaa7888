import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { FINDING_KINDS } from '../../../src-core/walk/kinds.ts';

it('docs/check.md lists every finding kind with its format and severity, and no other', () => {
  const rows = readFileSync('docs/check.md', 'utf8')
    .split('\n')
    .map((l) => /^\| `([a-z-]+)` \| (\w+) \| (\w+) \|/.exec(l))
    .filter((m) => m !== null)
    .map((m) => [m[1], m[2], m[3]]);
  expect(rows).toEqual(Object.entries(FINDING_KINDS).map(([k, v]) => [k, v.format, v.severity]));
});
