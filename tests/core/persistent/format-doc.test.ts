import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENTRY_BYTES, ENTRY_FIELDS, HEADER_BYTES, HEADER_FIELDS } from '../../../src-core/persistent/format.ts';

const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../../docs/format-persistent.md'), 'utf8');

/** Rows {field: {offset, size}} of the table after `<!-- table: name -->`. */
function docTable(name: string): Record<string, { offset: number; size: number }> {
  const start = doc.indexOf(`<!-- table: ${name} -->`);
  expect(start).toBeGreaterThanOrEqual(0);
  const rows = doc.slice(start).split('\n').slice(3);
  const out: Record<string, { offset: number; size: number }> = {};
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const [field = '', offset = '', size = ''] = row.split('|').slice(1).map((c) => c.trim());
    out[field] = { offset: Number(offset), size: Number(size) };
  }
  return out;
}

describe('docs/format-persistent.md matches format.ts', () => {
  it('header fields', () => {
    expect(docTable('header')).toEqual(HEADER_FIELDS);
    expect(doc).toContain(`\`HEADER_BYTES\` = ${HEADER_BYTES}`);
  });
  it('entry fields', () => {
    expect(docTable('entry')).toEqual(ENTRY_FIELDS);
    expect(doc).toContain(`\`ENTRY_BYTES\` = ${ENTRY_BYTES}`);
  });
});
