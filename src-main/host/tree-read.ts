import type { LeafDetailResult, LeafDto, NodeDto, PathToResult, TreeBlockDto, TreeRootResult } from '../../src-core/api/dto.ts';
import { maskSlots, maskToHex } from '../../src-core/api/mask.ts';
import { EXCEPTION_BYTES, LEAF_MAGIC, type LeafView } from '../../src-core/shared/format/leaf.ts';
import type { NodeView } from '../../src-core/shared/format/node.ts';
import { toBigMask } from '../../src-core/shared/mask.ts';
import type { ExceptionStore } from '../../src-core/store.ts';
import { SharedWalk } from '../../src-core/walk/shared.ts';
import { readTreeBlock, type SharedGeometry } from '../../src-core/walk/shared-tree.ts';

/**
 * The shared store's B-tree as the last commit left it, for display. Shadowing never overwrites a
 * committed block, so this is consistent even while a job is between commits. Every block is
 * judged by the walker's rules (src-core/walk), the ones open and check use: a damaged block is a
 * 'corrupt' error naming its chunk, entry and field, never a crash.
 */
export function treeRoot(store: ExceptionStore): TreeRootResult {
  const { root, levels } = committed(store);
  return { root, levels };
}

export function readBlock(store: ExceptionStore, chunk: number): TreeBlockDto {
  const { g } = committed(store);
  const magic = new Uint8Array(2);
  store.cow.read(chunk * store.chunkBytes, magic);
  // A block says nothing else about its kind; the rules for that kind then judge it.
  const kind = (magic[0]! | (magic[1]! << 8)) === LEAF_MAGIC ? 'leaf' : 'node';
  return read(store, g, chunk, kind);
}

export function pathTo(store: ExceptionStore, key: number): PathToResult {
  const { g, root, levels } = committed(store);
  const path = [root];
  let chunk = root;
  for (let level = levels; level > 0; level--) {
    const node = read(store, g, chunk, 'node') as NodeDto;
    let i = 0;
    while (i + 1 < node.entries.length && node.entries[i + 1]!.key <= key) i++;
    chunk = node.entries[i]!.chunk;
    path.push(chunk);
  }
  read(store, g, chunk, 'leaf');
  return { key, path, leaf: chunk };
}

export function leafDetail(store: ExceptionStore, chunk: number): LeafDetailResult {
  const { g } = committed(store);
  const leaf = read(store, g, chunk, 'leaf') as LeafDto;
  const slots = store.snapshots().map((s) => s.slot);
  const rows = leaf.entries.map((e) => ({
    origin: e.origin,
    cells: slots.map((slot) => e.exceptions.find((x) => x.slots.includes(slot))?.chunk ?? -1),
  }));
  return { leaf, slots, rows };
}

/** The committed header's root, levels and geometry (strictly checked, as open does). */
function committed(store: ExceptionStore): { g: SharedGeometry; root: number; levels: number } {
  const w = new SharedWalk(store.cow, {}, 'strict');
  return { g: w.geometry!, root: w.header!.rootChunk, levels: w.header!.treeLevel };
}

function read(store: ExceptionStore, g: SharedGeometry, chunk: number, kind: 'node' | 'leaf'): TreeBlockDto {
  return readTreeBlock(store.cow, g, chunk, kind, (view) => (kind === 'node' ? nodeDto(chunk, view as NodeView) : leafDto(chunk, view as LeafView)));
}

function nodeDto(chunk: number, n: NodeView): NodeDto {
  const entries: NodeDto['entries'] = [];
  for (let i = 0; i < n.count; i++) entries.push({ key: n.key(i), chunk: n.child(i) });
  return { kind: 'node', chunk, count: n.count, entries };
}

function leafDto(chunk: number, l: LeafView): LeafDto {
  const entries: LeafDto['entries'] = [];
  for (let i = 0; i < l.count; i++) {
    const start = l.listStart(i);
    const exceptions: LeafDto['entries'][number]['exceptions'] = [];
    for (let e = start; e < l.listStart(i + 1); e += EXCEPTION_BYTES) {
      const share = toBigMask(l.shareLo(e), l.shareHi(e));
      exceptions.push({ chunk: l.exceptionChunk(e), share: maskToHex(share), slots: maskSlots(share) });
    }
    entries.push({ origin: l.origin(i), offset: start, exceptions });
  }
  return { kind: 'leaf', chunk, base: l.baseChunk, using: maskToHex(toBigMask(l.usingLo, l.usingHi)), count: l.count, entries, freeBytes: l.freeBytes() };
}
