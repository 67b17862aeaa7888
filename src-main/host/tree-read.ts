import type { LeafDetailResult, LeafDto, NodeDto, PathToResult, TreeBlockDto, TreeRootResult } from '../../src-core/api/dto.ts';
import { maskSlots, maskToHex } from '../../src-core/api/mask.ts';
import { SnapscopeError } from '../../src-core/errors.ts';
import { decodeHeader, HEADER_BYTES } from '../../src-core/shared/format/header.ts';
import { EXCEPTION_BYTES, LEAF_HEADER_BYTES, LEAF_MAGIC, LeafView, MAP_ENTRY_BYTES } from '../../src-core/shared/format/leaf.ts';
import { nodeCapacity, NodeView } from '../../src-core/shared/format/node.ts';
import type { ExceptionStore } from '../../src-core/store.ts';

/**
 * The shared store's B-tree as the last commit left it, decoded for display with the format
 * codecs. Shadowing never overwrites a committed block, so this is consistent even while a job
 * is between commits. Every count and offset is checked before use: a damaged block is a
 * 'corrupt' error naming the chunk, never a crash.
 */
export function treeRoot(store: ExceptionStore): TreeRootResult {
  const bytes = new Uint8Array(HEADER_BYTES);
  store.cow.read(0, bytes);
  const h = decodeHeader(bytes, store.cow.name);
  return { root: h.rootChunk, levels: h.treeLevel };
}

export function readBlock(store: ExceptionStore, chunk: number): TreeBlockDto {
  const bytes = new Uint8Array(store.chunkBytes);
  store.cow.read(chunk * store.chunkBytes, bytes);
  return new DataView(bytes.buffer).getUint16(0, true) === LEAF_MAGIC ? leafDto(store, chunk, bytes) : nodeDto(store, chunk, bytes);
}

export function pathTo(store: ExceptionStore, key: number): PathToResult {
  const { root, levels } = treeRoot(store);
  const path = [root];
  let chunk = root;
  for (let level = levels; level > 0; level--) {
    const block = readBlock(store, chunk);
    if (block.kind !== 'node') throw new SnapscopeError('corrupt', `expected a node at level ${level}`, { device: store.cow.name, chunk, path });
    let i = 0;
    while (i + 1 < block.entries.length && block.entries[i + 1]!.key <= key) i++;
    chunk = block.entries[i]!.chunk;
    path.push(chunk);
  }
  return { key, path, leaf: chunk };
}

export function leafDetail(store: ExceptionStore, chunk: number): LeafDetailResult {
  const leaf = readBlock(store, chunk);
  if (leaf.kind !== 'leaf') throw new SnapscopeError('usage', `chunk ${chunk} is a B-tree node, not a leaf`, { device: store.cow.name, chunk });
  const slots = store.snapshots().map((s) => s.slot);
  const rows = leaf.entries.map((e) => ({
    origin: e.origin,
    cells: slots.map((slot) => e.exceptions.find((x) => x.slots.includes(slot))?.chunk ?? -1),
  }));
  return { leaf, slots, rows };
}

function nodeDto(store: ExceptionStore, chunk: number, bytes: Uint8Array): NodeDto {
  const n = new NodeView(chunk, bytes);
  if (n.count < 1 || n.count > nodeCapacity(bytes.length)) corrupt(store, chunk, `node count ${n.count} is outside 1..${nodeCapacity(bytes.length)}`, 'count');
  const entries: NodeDto['entries'] = [];
  for (let i = 0; i < n.count; i++) entries.push({ key: n.key(i), chunk: n.child(i) });
  return { kind: 'node', chunk, count: n.count, entries };
}

function leafDto(store: ExceptionStore, chunk: number, bytes: Uint8Array): LeafDto {
  const l = new LeafView(chunk, bytes);
  const maxCount = Math.floor((bytes.length - LEAF_HEADER_BYTES) / MAP_ENTRY_BYTES) - 1;
  if (l.count > maxCount) corrupt(store, chunk, `leaf count ${l.count} exceeds ${maxCount}`, 'count');
  const entries: LeafDto['entries'] = [];
  for (let i = 0; i < l.count; i++) {
    const start = l.listStart(i);
    const end = l.listStart(i + 1);
    if (start > end || end > bytes.length || (end - start) % EXCEPTION_BYTES !== 0) corrupt(store, chunk, `map entry ${i} has list ${start}..${end}`, 'map', i);
    const exceptions: LeafDto['entries'][number]['exceptions'] = [];
    for (let e = start; e < end; e += EXCEPTION_BYTES) {
      const share = (BigInt(l.shareHi(e)) << 32n) | BigInt(l.shareLo(e));
      exceptions.push({ chunk: l.exceptionChunk(e), share: maskToHex(share), slots: maskSlots(share) });
    }
    entries.push({ origin: l.origin(i), offset: start, exceptions });
  }
  const using = (BigInt(l.usingHi) << 32n) | BigInt(l.usingLo);
  return { kind: 'leaf', chunk, base: l.baseChunk, using: maskToHex(using), count: l.count, entries, freeBytes: l.count <= maxCount ? l.freeBytes() : 0 };
}

function corrupt(store: ExceptionStore, chunk: number, message: string, field: string, entry?: number): never {
  throw new SnapscopeError('corrupt', `${message}`, { device: store.cow.name, chunk, field, ...(entry !== undefined ? { entry } : {}) });
}
