/** A reference model of a snapshot over an origin, and helpers to compare a store against it. */
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import type { FlushWait } from '../../../src-core/merge-result.ts';
import type { PersistentStore } from '../../../src-core/persistent/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';

export interface Model {
  origin: Uint8Array;
  snapshot: Uint8Array;
}

/** An origin whose every chunk is recognisable. */
export function numberedOrigin(bytes: number, chunkBytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  const v = new DataView(out.buffer);
  for (let at = 0; at + 4 <= bytes; at += 64) v.setUint32(at, (Math.floor(at / chunkBytes) << 8) | (at % 251), true);
  return out;
}

export function snapshotImage(store: PersistentStore, origin: BlockDevice): Uint8Array {
  const out = new Uint8Array(origin.size);
  const chunk = new Uint8Array(store.chunkBytes);
  for (let c = 0; c * store.chunkBytes < origin.size; c++) {
    readViewChunk(store, origin, 0, c, chunk);
    out.set(chunk.subarray(0, Math.min(store.chunkBytes, origin.size - c * store.chunkBytes)), c * store.chunkBytes);
  }
  return out;
}

export function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * How a merge under test flushes the origin: in line (no startFlush), or in the background with
 * the flush done at once, or only when waited for (the latest a background flush can finish), or
 * still running at the first wait that has a time limit (the merge goes on waiting in later steps).
 */
export const FLUSH_MODES = ['in line', 'at once', 'when waited for', 'late'] as const;
export type FlushMode = (typeof FLUSH_MODES)[number];

export function startFlushFor(mode: FlushMode, origin: BlockDevice): { startFlush?: () => FlushWait } {
  if (mode === 'in line') return {};
  if (mode === 'at once')
    return {
      startFlush: () => {
        origin.flush();
        return () => true;
      },
    };
  if (mode === 'late') return { startFlush: lateFlush(origin) };
  return { startFlush: flushWhenWaited(origin) };
}

/** A background flush done only when waited for. */
export const flushWhenWaited = (origin: BlockDevice) => (): FlushWait => () => {
  origin.flush();
  return true;
};

/** A background flush not done at the first wait with a time limit, then done when waited for. */
export const lateFlush = (origin: BlockDevice) => (): FlushWait => {
  let polled = false;
  return (withinMs) => {
    if (withinMs !== undefined && !polled) {
      polled = true;
      return false;
    }
    origin.flush();
    return true;
  };
};
