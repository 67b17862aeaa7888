import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEADER_LAYOUT, LABEL_LAYOUT, LEAF_LAYOUT, NODE_LAYOUT } from '../../../src-core/shared/index.ts';

const doc = fs.readFileSync(new URL('../../../docs/format-shared.md', import.meta.url), 'utf8');

/** Rows `| field | offset | size | ... |` of the table under heading `## title`. */
function table(title: string): Record<string, { offset: number; size: number }> {
  const section = doc.split(/^## /m).find((s) => s.startsWith(`${title}\n`));
  if (!section) throw new Error(`no section ${title}`);
  const rows: Record<string, { offset: number; size: number }> = {};
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !/^\d+$/.test(cells[2]!) || !/^\d+$/.test(cells[3]!)) continue;
    rows[cells[1]!] = { offset: Number(cells[2]), size: Number(cells[3]) };
  }
  return rows;
}

describe('docs/format-shared.md', () => {
  it.each([
    ['Header', HEADER_LAYOUT],
    ['Node', NODE_LAYOUT],
    ['Leaf', LEAF_LAYOUT],
    ['Labels', LABEL_LAYOUT],
  ] as const)('the %s table matches the codec', (title, layout) => {
    expect(table(title)).toEqual(layout);
  });

  it('names a test for each of the 13 known issues, and each named test exists', () => {
    const tests = fs.readFileSync(new URL('./known-issues.test.ts', import.meta.url), 'utf8');
    for (let n = 1; n <= 13; n++) expect(doc).toMatch(new RegExp(`^\\| ${n} \\|`, 'm'));
    for (const [, name] of doc.matchAll(/"(#[^"]+?)(?: …)?"/g)) expect(tests).toContain(name!.replace(/ …$/, ''));
  });
});
