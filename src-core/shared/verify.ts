/**
 * The store's invariants as the next commit would write them, judged by the one walker
 * (walk/shared.ts) over a view of the in-memory state: the header the next commit writes, the
 * allocator's bits and the cached blocks over the device. On top of the walk: the transaction's
 * role map must hold exactly the blocks the walk reached, and no referenced chunk may be waiting
 * to be freed.
 */
import { SnapscopeError } from '../errors.ts';
import type { BlockDevice } from '../io/block-device.ts';
import { runToEnd } from '../jobs/job.ts';
import { SharedWalk } from '../walk/shared.ts';
import { bitmapChunkCount, FIRST_BITMAP_CHUNK } from './format/bitmap.ts';
import { encodeHeader, HEADER_BYTES } from './format/header.ts';
import type { StoreState } from './store/state.ts';

export interface VerifyResult {
  problems: string[];
  /** Chunks marked used that nothing references and no pending free explains. */
  leaked: number[];
}

export function verifyStore(s: StoreState): VerifyResult {
  const problems: string[] = [];
  const nodes = new Set<number>();
  const leaves = new Set<number>();
  const walk = new SharedWalk(pendingView(s), {
    block: (chunk, kind) => (kind === 'node' ? nodes : leaves).add(chunk),
  });
  const report = runToEnd(walk);
  // Label blocks of deleted snapshots stay on disk until the next commit rewrites the chain.
  for (const f of report.findings) if (f.severity === 'error') problems.push(`${f.kind}: ${f.message} (chunk ${f.chunk}${f.entry === undefined ? '' : `, entry ${f.entry}`})`);
  const roles = s.tx.roles;
  for (const c of nodes) if (!roles.nodes.has(c)) problems.push(`node ${c} missing from the role map`);
  for (const c of leaves) if (!roles.leaves.has(c)) problems.push(`leaf ${c} missing from the role map`);
  if (roles.nodes.size !== nodes.size || roles.leaves.size !== leaves.size) {
    problems.push(`role map holds ${roles.nodes.size} nodes / ${roles.leaves.size} leaves, the tree ${nodes.size} / ${leaves.size}`);
  }
  const leaked: number[] = [];
  for (let c = 0; c < s.chunkCount; c++) {
    const referenced = walk.refs.has(c);
    const pending = roles.pendingFree.has(c);
    if (referenced && pending) problems.push(`chunk ${c} is referenced but pending free`);
    if (s.alloc.isUsed(c) && !referenced && !pending) leaked.push(c);
  }
  return { problems, leaked };
}

/** The device as the next commit would leave it (reads only; whole chunks or the header). */
function pendingView(s: StoreState): BlockDevice {
  const cb = s.chunkBytes;
  const header = new Uint8Array(HEADER_BYTES);
  encodeHeader(s.header(), header);
  const bitmapStart = FIRST_BITMAP_CHUNK * cb;
  const bitmapBytes = bitmapChunkCount(s.chunkCount, cb) * cb;
  return {
    name: s.cow.name,
    size: s.cow.size,
    readOnly: true,
    read(offset: number, dst: Uint8Array): void {
      s.cow.read(offset, dst);
      if (offset < HEADER_BYTES) dst.set(header.subarray(offset, Math.min(HEADER_BYTES, offset + dst.length)));
      if (offset >= bitmapStart && offset < bitmapStart + bitmapBytes) s.alloc.readBytes(offset - bitmapStart, dst.subarray(0, Math.min(dst.length, bitmapStart + bitmapBytes - offset)));
      // Whole chunks (the walk reads several at once ahead of itself): each cached block over its chunk.
      if (offset % cb !== 0 || dst.length % cb !== 0) return;
      for (let at = 0; at < dst.length; at += cb) {
        const block = s.tx.cache.get((offset + at) / cb);
        if (block) dst.set(block.bytes, at);
      }
    },
    write(): void {
      throw new SnapscopeError('read-only', 'verify reads only');
    },
    flush(): void {},
    close(): void {},
  };
}
