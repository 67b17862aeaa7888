import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { restore } from '../../../src-core/ir/restore.ts';
import { checkTask } from '../../../src-core/check/check.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { decodeHeader, encodeHeader } from '../../../src-core/shared/format/header.ts';
import { DELETING_FLAG } from '../../../src-core/shared/shared-store.ts';
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
    expect(head).toMatchObject({ snapscopeDump: 2, format: 'shared', chunkBytes: 512, chunkCount: 4096, valid: true, snapmask: '0x3' });
    expect(Object.keys(head).every((k) => /^[a-z][A-Za-z]*$/.test(k))).toBe(true);
    expect(head.snapshots.map((s: { name: string }) => s.name)).toEqual(['snap0', 'snap1']);
    expect(text.split('\n').filter((l) => l.startsWith('[')).map((l) => JSON.parse(l.replace(/,$/, ''))[2])).toEqual(['0x2', '0x1', '0x2', '0x1']);
  });

  it('restores a version-1 dump (snake_case JSON header keys, XML version="1") as its version-2 form', () => {
    const { cow } = sharedCow(3, 30);
    for (const format of ['json', 'xml'] as const) {
      const v2 = dumpText(cow, format);
      const v1 =
        format === 'json'
          ? v2.replace('"snapscopeDump":2', '"snapscope_dump":1').replace('"chunkBytes"', '"chunk_bytes"').replace('"chunkCount"', '"chunk_count"')
          : v2.replace('<snapscope_dump version="2"', '<snapscope_dump version="1"');
      expect(v1).not.toBe(v2);
      const old = parseDump(v1);
      const copy = new MemoryDevice(cow.bytes.slice(), 'copy');
      restore(copy, old.header, old.source);
      expect(dumpText(copy, format)).toBe(v2);
    }
  });

  it('refuses a dump whose exceptions would overlap or leave the data area', () => {
    const { cow } = sharedCow(1, 3);
    const text = dumpText(cow).replace(/\[3,(\d+),/, '[3,1,');
    const { header, source } = parseDump(text);
    expect(() => restore(new MemoryDevice(cow.size), header, source)).toThrow(/exception 1 \(origin 3, chunk 1\): the chunk is outside the data area/);
  });

  it('carries a merge in progress and a part-way delete through dump and restore', () => {
    const { cow } = sharedCow(3, 30);
    const store = SharedStore.open(cow, { write: true });
    // A merge of slot 2 has merged every origin chunk below its first exception (open refuses a
    // cursor past an exception the merge still has to move: s-merge-below-cursor).
    let cursor = Infinity;
    store.forEachException((origin, _chunk, slots) => {
      if ((slots >> 2n) & 1n) cursor = Math.min(cursor, origin);
    });
    expect(cursor).toBe(0);
    store.recordMerge({ slot: 2, done: 7, cursor });
    store.close();
    encodeHeader({ ...decodeHeader(cow.bytes, 'cow'), extFlags: DELETING_FLAG | 1 }, cow.bytes);
    for (const format of ['json', 'xml'] as const) {
      const { before, after, copy } = roundTrip(cow, format);
      expect(after).toBe(before);
      expect(before).toMatch(format === 'json' ? /"deleting":1,"merge":\{"slot":2,"done":7,"cursor":0\}/ : /deleting="1" merge_slot="2" merge_done="7" merge_cursor="0"/);
      const h = decodeHeader(copy.bytes, 'copy');
      expect([h.extFlags >>> 0, h.mergeSlot, h.mergeDone, h.mergeCursor]).toEqual([(DELETING_FLAG | 1) >>> 0, 2, 7, 0]);
      expect(SharedStore.open(copy).mergeRecord()).toEqual({ slot: 2, done: 7, cursor: 0 });
    }
  });

  it('validates the whole dump before the first write: a refused restore leaves the target as it was', () => {
    const { cow } = sharedCow(2, 20);
    const last = dumpText(cow).trimEnd().split('\n').at(-2)!; // the last exception
    const chunk = JSON.parse(last)[1];
    const shared = parseDump(dumpText(cow).replace(last, `${last},\n[999,${chunk},"0x1"]`));
    const target = new MemoryDevice(cow.bytes.slice(), 'target');
    expect(() => restore(target, shared.header, shared.source)).toThrow(/exception 40 \(origin 999, chunk \d+\): the chunk is used twice/);
    expect(Buffer.from(target.bytes).equals(cow.bytes)).toBe(true);

    // A persistent store holds one exception per origin chunk: refused up front, naming both.
    const p = persistentCow(40);
    const dup = parseDump(dumpText(p).replace(/\[139,/, '[100,'));
    const ptarget = new MemoryDevice(p.bytes.slice(), 'target');
    expect(() => restore(ptarget, dup.header, dup.source)).toThrow(/exceptions 0 and 39 both remap old_chunk 100/);
    expect(Buffer.from(ptarget.bytes).equals(p.bytes)).toBe(true);
  });

  it('refuses, before writing, a shared dump whose tree and labels do not fit beside its data', () => {
    const { cow } = sharedCow(1, 3);
    // 7 chunks: header, bitmap, 3 data chunks (2, 3, 4); a leaf, a root and a label block need 3.
    const text = dumpText(cow).replace(/"chunkCount":4096/, '"chunkCount":7');
    const { header, source } = parseDump(text.replace(/\[(\d+),\d+,/g, (_, o: string) => `[${o},${Number(o) / 3 + 2},`));
    const target = new MemoryDevice(7 * 512, 'small');
    expect(() => restore(target, header, source)).toThrow("the store's metadata (1 leaves, 1 nodes, 1 label blocks) needs 3 chunks, but only 2 are free of data");
    expect(target.bytes.every((b) => b === 0)).toBe(true);
  });
});
