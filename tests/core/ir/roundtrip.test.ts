import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { restore } from '../../../src-core/ir/restore.ts';
import { checkTask } from '../../../src-core/check/check.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';
import { persistentCow } from '../check/persistent-fixtures.ts';
import { sharedCow } from '../check/shared-fixtures.ts';
import { dumpText, parseDump } from './helpers.ts';

function roundTrip(cow: MemoryDevice, format: 'json' | 'xml'): { before: string; after: string; copy: MemoryDevice } {
  const before = dumpText(cow, format);
  const { header, source } = parseDump(before);
  const copy = new MemoryDevice(cow.bytes.slice(), 'copy');
  restore(copy, header, source);
  return { before, after: dumpText(copy, format), copy };
}

describe('dump and restore', () => {
  it('dump → restore → dump is identical, and the restored store checks clean and reads the same', () => {
    for (const format of ['json', 'xml'] as const) {
      for (const [snaps, writes] of [[0, 0], [1, 3], [3, 300], [5, 40]] as const) {
        const { cow } = sharedCow(snaps, writes);
        const { before, after, copy } = roundTrip(cow, format);
        expect(after).toBe(before);
        expect(runToEnd(checkTask(copy)).findings).toEqual([]);
        const a = SharedStore.open(cow);
        const b = SharedStore.open(copy);
        expect(b.snapshots()).toEqual(a.snapshots());
      }
      for (const n of [0, 5, 32, 70]) {
        const { before, after, copy } = roundTrip(persistentCow(n), format);
        expect(after).toBe(before);
        expect(runToEnd(checkTask(copy)).findings).toEqual([]);
        expect(PersistentStore.open(copy).info().exceptions).toBe(n);
      }
    }
  });

  it('dumps the logical content: header, labels, every exception with its share set', () => {
    const { cow } = sharedCow(2, 2);
    const text = dumpText(cow);
    const head = JSON.parse(`${text.split('\n')[0]!.slice(0, -1)}}`);
    expect(head).toMatchObject({ snapscope_dump: 1, format: 'shared', chunk_bytes: 512, chunk_count: 4096, valid: true, snapmask: '0x3' });
    expect(head.snapshots.map((s: { name: string }) => s.name)).toEqual(['snap0', 'snap1']);
    expect(text.split('\n').filter((l) => l.startsWith('[')).map((l) => JSON.parse(l.replace(/,$/, ''))[2])).toEqual(['0x2', '0x1', '0x2', '0x1']);
  });

  it('refuses a dump whose exceptions would overlap or leave the data area', () => {
    const { cow } = sharedCow(1, 3);
    const text = dumpText(cow).replace(/\[3,(\d+),/, '[3,1,');
    const { header, source } = parseDump(text);
    expect(() => restore(new MemoryDevice(cow.size), header, source)).toThrow(/exception 1 \(origin 3, chunk 1\): the chunk is outside the data area/);
  });
});
