import type { BlockDevice } from './io/block-device.ts';
import type { ExceptionStore } from './store.ts';

/** Which image to read: the origin itself or a snapshot (by slot). */
export type View = 'origin' | number;

/** Reads origin chunk `chunk` as `view` sees it into `dst` (chunkBytes long; shorter for a partial last chunk: its bytes). */
export function readViewChunk(store: ExceptionStore, origin: BlockDevice, view: View, chunk: number, dst: Uint8Array): void {
  const cowChunk = view === 'origin' ? -1 : store.lookup(view, chunk);
  if (cowChunk < 0) origin.read(chunk * store.chunkBytes, dst);
  else store.cow.read(cowChunk * store.chunkBytes, dst);
}
