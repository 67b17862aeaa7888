/**
 * Damaged shared stores, one per finding kind: an engine-written store, then one field changed
 * with the format codecs (the recipe is the test). Each asserts the exact report; chunks leaked
 * by a dropped subtree are asserted apart (s-bitmap-leak), as they follow from the damage.
 */
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../../src-core/check/check.ts';
import { SharedWalk } from '../../../src-core/walk/shared.ts';
import type { Progress } from '../../../src-core/jobs/progress.ts';
import type { CheckReport } from '../../../src-core/walk/findings.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { runToEnd } from '../../../src-core/jobs/job.ts';
import { clearBit, setBit } from '../../../src-core/shared/format/bitmap.ts';
import { decodeHeader, encodeHeader, HEADER_LAYOUT, type SharedHeader } from '../../../src-core/shared/format/header.ts';
import { encodeLabelBlock } from '../../../src-core/shared/format/label.ts';
import { LeafView } from '../../../src-core/shared/format/leaf.ts';
import { NodeView } from '../../../src-core/shared/format/node.ts';
import { S_CHUNK, sharedCow } from './shared-fixtures.ts';

type Where = [string, number, number | undefined];

function check(cow: MemoryDevice): CheckReport {
  return runToEnd(checkTask(new MemoryDevice(cow.bytes, cow.name, true)));
}
function where(r: CheckReport, withLeaks = false): Where[] {
  return r.findings.filter((f) => withLeaks || f.kind !== 's-bitmap-leak').map((f) => [f.kind, f.chunk, f.entry]);
}
const leaks = (r: CheckReport) => r.findings.filter((f) => f.kind === 's-bitmap-leak').length;

function header(cow: MemoryDevice): SharedHeader {
  return decodeHeader(cow.bytes, 'cow');
}
function setHeader(cow: MemoryDevice, change: Partial<SharedHeader>): void {
  encodeHeader({ ...header(cow), ...change }, cow.bytes);
}
function block(cow: MemoryDevice, chunk: number): Uint8Array {
  return cow.bytes.subarray(chunk * S_CHUNK, (chunk + 1) * S_CHUNK);
}
const node = (cow: MemoryDevice, chunk: number) => new NodeView(chunk, block(cow, chunk));
const leaf = (cow: MemoryDevice, chunk: number) => new LeafView(chunk, block(cow, chunk));
const bitmap = (cow: MemoryDevice) => cow.bytes.subarray(S_CHUNK, 2 * S_CHUNK);

/** One level: root node → leaves. Two snapshots, origins 0, 3, 6, ... */
function small(chunks = 4096) {
  const { cow } = sharedCow(2, 40, chunks);
  const root = header(cow).rootChunk;
  return { cow, root, leaf0: node(cow, root).child(0), leaf1: node(cow, root).child(1) };
}

describe('shared check: every finding kind, on purpose', () => {
  it('finds nothing wrong with stores the engine writes (deletes and deep trees included)', () => {
    expect(where(check(sharedCow(3, 300).cow), true)).toEqual([]);
    expect(where(check(sharedCow(1, 1200).cow), true)).toEqual([]);
  });

  it('header fields', () => {
    let { cow } = small();
    setHeader(cow, { valid: false, version: 9 });
    expect(where(check(cow))).toEqual([['s-header-invalid', 0, undefined], ['s-header-version', 0, undefined]]);
    ({ cow } = small());
    cow.bytes[HEADER_LAYOUT.generation.offset]! ^= 1;
    expect(where(check(cow))).toEqual([['s-header-checksum', 0, undefined]]);
    ({ cow } = small());
    setHeader(cow, { chunkSectors: 3 });
    expect(where(check(cow))).toEqual([['s-header-chunk-size', 0, undefined]]);
    ({ cow } = small());
    setHeader(cow, { chunkSectors: 4096 }); // 2 MiB: past what SharedStore.open accepts
    expect(check(cow).findings).toMatchObject([{ kind: 's-header-chunk-size', message: 'chunk size 4096 sectors (2097152 bytes) is not a power of two from 512 bytes to 1 MiB' }]);
    ({ cow } = small());
    setHeader(cow, { chunkCount: 3 }); // header, bitmap, and no room for a root and a leaf
    expect(check(cow).findings).toMatchObject([{ kind: 's-header-chunk-size', message: 'the device (3 chunks of 512 bytes) cannot hold the header, bitmap and a tree' }]);
    ({ cow } = small());
    setHeader(cow, { chunkCount: 10 ** 6 });
    expect(where(check(cow))).toEqual([['s-header-chunk-count', 0, undefined]]);
    ({ cow } = small());
    setHeader(cow, { mergeSlot: 5, mergeCursor: 12 }); // slot 5 holds no snapshot
    expect(where(check(cow))).toEqual([['s-header-merge', 0, undefined]]);
    ({ cow } = small());
    setHeader(cow, { treeLevel: 0 });
    expect(where(check(cow))).toEqual([['s-header-levels', 0, undefined]]);
    ({ cow } = small());
    new DataView(cow.bytes.buffer).setUint32(HEADER_LAYOUT.root_tree_chunk.offset + 4, 0xffffffff, true);
    expect(where(check(cow))).toEqual([['s-header-corrupt', 0, undefined]]);
  });

  it('references: past the device, into the header/bitmap, twice', () => {
    for (const [target, kind] of [[10 ** 6, 's-chunk-out-of-range'], [1, 's-chunk-reserved'], [-1, 's-chunk-duplicate']] as const) {
      const { cow, root, leaf0 } = small();
      node(cow, root).setChild(1, target < 0 ? leaf0 : target);
      const r = check(cow);
      expect(where(r)).toEqual([[kind, root, 1]]);
      expect(leaks(r)).toBeGreaterThan(0); // the lost leaf and its data chunks
    }
  });

  it('nodes: count, key order, key range', () => {
    let { cow, root } = small();
    node(cow, root).count = 0;
    expect(where(check(cow))).toEqual([['s-node-count', root, undefined]]);
    ({ cow, root } = small());
    const n = node(cow, root);
    n.setKey(2, n.key(1));
    expect(where(check(cow))).toEqual([['s-node-key-order', root, 2]]);
    // Two levels: a child node's key beyond the range its parent gives it.
    const deep = sharedCow(1, 1200).cow;
    const top = node(deep, header(deep).rootChunk);
    const child = node(deep, top.child(0));
    child.setKey(1, top.key(1) + 5);
    const r = check(deep);
    expect(where(r).slice(0, 1)).toEqual([['s-node-key-range', child.chunk, 1]]);
  });

  it('leaves: magic, version, count, map offsets, overlap, key order, key range, using_mask', () => {
    const cases: [string, (l: LeafView) => void, number | undefined][] = [
      ['s-leaf-magic', (l) => l.dv.setUint16(0, 0xbeef, true), undefined],
      ['s-leaf-version', (l) => l.dv.setUint16(2, 7, true), undefined],
      ['s-leaf-count', (l) => l.dv.setUint32(4, 5000, true), undefined],
      ['s-leaf-map-offset', (l) => l.dv.setUint32(24 + l.count * 8, 100, true), -1],
      // A list start not in 16-byte steps from the chunk end (map entry 1 moved by 8 bytes).
      ['s-leaf-map-offset', (l) => l.dv.setUint32(24 + 8, l.listStart(1) + 8, true), 1],
      ['s-leaf-map-overlap', (l) => l.dv.setUint32(24, 24, true), 0],
      ['s-leaf-key-order', (l) => l.dv.setUint32(24 + 8 + 4, l.rchunk(0), true), 1],
      ['s-leaf-key-range', (l) => l.dv.setUint32(24 + (l.count - 1) * 8 + 4, 100_000, true), -2],
      ['s-leaf-using-mask', (l) => l.setUsing(0xff, 0), undefined],
    ];
    for (const [kind, damage, entry] of cases) {
      const { cow, leaf0 } = small();
      const l = leaf(cow, leaf0);
      const count = l.count;
      damage(l);
      const e = entry === -1 ? count : entry === -2 ? count - 1 : entry;
      expect(where(check(cow)), kind).toEqual([[kind, leaf0, e]]);
    }
  });

  it('exceptions: empty share, outside the snapmask, overlapping shares, bad chunks', () => {
    const first = (cow: MemoryDevice, l: number) => leaf(cow, l).listStart(0);
    let { cow, leaf0 } = small();
    leaf(cow, leaf0).setShare(first(cow, leaf0), 0, 0);
    expect(where(check(cow))).toEqual([['s-share-zero', leaf0, 0]]);
    ({ cow, leaf0 } = small());
    leaf(cow, leaf0).setShare(first(cow, leaf0), 0b1010, 0); // origin 0's first exception is 0b10
    leaf(cow, leaf0).setUsing(0, 0);
    expect(where(check(cow))).toEqual([['s-share-outside-snapmask', leaf0, 0]]);
    ({ cow, leaf0 } = small());
    leaf(cow, leaf0).setShare(first(cow, leaf0), 0b11, 0); // origin 0 has two exceptions: 0b10 then 0b01
    expect(where(check(cow))).toEqual([['s-share-overlap', leaf0, 1]]);
    for (const [chunk, kind] of [[10 ** 6, 's-chunk-out-of-range'], [0, 's-chunk-reserved'], [-1, 's-chunk-duplicate']] as const) {
      ({ cow, leaf0 } = small());
      const l = leaf(cow, leaf0);
      const e = first(cow, leaf0) + 16;
      const target = chunk < 0 ? l.exceptionChunk(first(cow, leaf0)) : chunk;
      new DataView(l.bytes.buffer, l.bytes.byteOffset).setUint32(e + 8, target, true);
      expect(where(check(cow)), kind).toEqual([[kind, leaf0, 1]]);
    }
  });

  it('bitmap: used-but-free, leaked runs, bits past the device', () => {
    let { cow, leaf0 } = small();
    clearBit(bitmap(cow), leaf0);
    expect(where(check(cow), true)).toEqual([['s-bitmap-free', leaf0, undefined]]);
    ({ cow } = small());
    setBit(bitmap(cow), 4000);
    setBit(bitmap(cow), 4001);
    const r = check(cow);
    expect(where(r, true)).toEqual([['s-bitmap-leak', 4000, undefined]]);
    expect(r.findings[0]!.found).toBe('2 used');
    expect(r.findings[0]!.message).toBe('2 chunks 4000..4001 are marked used but referenced by nothing');
    ({ cow } = small());
    setBit(bitmap(cow), 4000);
    // One chunk is named alone: the message read "1 chunk 4000..4000".
    expect(check(cow).findings[0]!.message).toBe('chunk 4000 is marked used but referenced by nothing');
    ({ cow } = small(4000)); // the bitmap chunk's last 96 bits lie past the device
    clearBit(bitmap(cow), 4000 + 7);
    expect(where(check(cow), true)).toEqual([['s-bitmap-past-end', 1, undefined]]);
  });

  it('labels: corrupt block, two labels for a slot, orphan, missing', () => {
    let { cow } = small();
    const labelChunk = header(cow).labelChunk;
    block(cow, labelChunk)[0]! ^= 0xff;
    expect(where(check(cow))).toEqual([
      ['s-label-corrupt', labelChunk, undefined],
      ['s-label-missing', labelChunk, undefined],
      ['s-label-missing', labelChunk, undefined],
    ]);
    ({ cow } = small());
    block(cow, labelChunk)[16 + 32]! = 0xf7; // 'snap0' → not UTF-8; the block's other label is kept
    expect(where(check(cow))).toEqual([
      ['s-label-corrupt', labelChunk, 0],
      ['s-label-missing', labelChunk, undefined],
    ]);
    ({ cow } = small());
    const l = (slot: number, name: string) => ({ slot, name, uuid: '00000000-0000-4000-8000-000000000000', created: 0 });
    encodeLabelBlock([l(0, 'a'.repeat(128)), l(1, 'b')], 0, block(cow, labelChunk));
    block(cow, labelChunk)[16 + 32 + 127]! = 0xf4; // a 4-byte sequence cut short: not UTF-8
    expect(where(check(cow))).toEqual([
      ['s-label-corrupt', labelChunk, 0],
      ['s-label-missing', labelChunk, undefined],
    ]);
    ({ cow } = small());
    encodeLabelBlock([l(0, 'a'), l(0, 'b'), l(1, 'c'), l(5, 'd')], 0, block(cow, header(cow).labelChunk));
    expect(where(check(cow))).toEqual([
      ['s-label-duplicate', header(cow).labelChunk, 1],
      ['s-label-orphan', header(cow).labelChunk, 3],
    ]);
  });

  it('progress: the tree phase counts the chunks found against the chunks the bitmap marks used', () => {
    const { cow } = sharedCow(3, 300);
    const task = new SharedWalk(new MemoryDevice(cow.bytes, 'cow', true));
    const seen: Progress[] = [task.progress()];
    while (!task.step()) seen.push(task.progress());
    expect([...new Set(seen.map((p) => p.phase))]).toEqual(['count bitmap', 'check tree', 'check bitmap']);
    const tree = seen.filter((p) => p.phase === 'check tree');
    const total = tree[0]!.total;
    expect(total).toBeGreaterThan(900); // 900 exceptions, their leaves and nodes
    expect(tree.every((p, i) => p.total === total && p.done <= total && (i === 0 || p.done >= tree[i - 1]!.done))).toBe(true);
    expect(tree.at(-1)!.done).toBe(total); // a clean store: every used chunk is found
  });
});
