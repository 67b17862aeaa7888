/**
 * Structural events: what the engine did to the on-disk structures, step by step, so the UI can
 * animate it and the teaching mode can replay it. Engines call `sink?.(event)`: with no listener
 * nothing is built, so there is no cost. A listener runs mid-operation: it may read the store that
 * emitted (memory, single blocks), never walk or change it (listener-guard.ts refuses).
 *
 * Chunks are COW chunk numbers; `origin` is an origin chunk; masks are 64-bit share masks.
 */
export type ChunkRole = 'header' | 'bitmap' | 'label' | 'node' | 'leaf' | 'exception' | 'metadata-area' | 'data';

export type StructuralEvent =
  // shared store: B-tree and allocator
  | { type: 'probe'; origin: number; path: readonly number[]; leaf: number }
  // mask-check: `rule` says which question was asked; for a snapshot write `need` is the slot's bit
  // when a new exception is needed (0n when it writes its own exception in place), `slot` the writer.
  | { type: 'mask-check'; origin: number; using: bigint; active: bigint; need: bigint; rule?: 'origin' | 'snapshot-write'; slot?: number; leaf?: number }
  | { type: 'allocate'; chunk: number; role: ChunkRole }
  | { type: 'free'; chunk: number; role: ChunkRole }
  | { type: 'shadow'; from: number; to: number; role: ChunkRole }
  | { type: 'copy-data'; from: 'origin' | 'cow'; source: number; to: number }
  | { type: 'exception-add'; origin: number; chunk: number; share: bigint; leaf: number }
  | { type: 'exception-unshare'; origin: number; chunk: number; share: bigint; leaf: number }
  | { type: 'exception-free'; origin: number; chunk: number; leaf: number }
  | { type: 'leaf-split'; leaf: number; newLeaf: number; key: number }
  | { type: 'node-split'; node: number; newNode: number; key: number; level: number }
  | { type: 'new-root'; root: number; levels: number }
  | { type: 'leaf-merge'; into: number; from: number }
  | { type: 'node-merge'; into: number; from: number; level: number }
  | { type: 'level-drop'; root: number; levels: number }
  | { type: 'snapshot-create'; slot: number; name: string; uuid: string }
  | { type: 'snapshot-delete'; slot: number }
  | { type: 'snapshot-rename'; slot: number; name: string }
  | { type: 'commit'; root: number; levels: number; snapmask: bigint; generation?: number; labelChunk?: number }
  // merge (both formats)
  | { type: 'merge-origin-copy'; origin: number; chunk: number; share: bigint }
  | { type: 'merge-copy-to-origin'; origin: number; from: number; count: number }
  | { type: 'merge-clear'; origin: number; count: number }
  // persistent store
  | { type: 'area-rollover'; area: number; chunk: number }
  | { type: 'pe-add'; area: number; entry: number; origin: number; chunk: number };

export type EventSink = (event: StructuralEvent) => void;
