/**
 * Where a lesson's store comes from: a fresh tiny store, a store's dump (what the UI can fetch
 * from an opened store; restored in memory), or an opened device (in-process callers). The last
 * two run over an OverlayDevice, so the store they came from is never written.
 */
import { SnapscopeError } from '../errors.ts';
import type { BlockDevice } from '../io/block-device.ts';
import { MemoryDevice } from '../io/memory-device.ts';
import { ExceptionList } from '../ir/exception-list.ts';
import { DumpReader } from '../ir/reader.ts';
import { restore } from '../ir/restore.ts';
import { probeFormat } from '../open.ts';
import { Lab } from './lab.ts';

export type TeachSource =
  | { kind: 'fresh'; originChunks: number; cowChunks: number }
  | { kind: 'dump'; label: string; dump: string }
  | { kind: 'device'; label: string; cow: BlockDevice; origin: BlockDevice | null };

/** A dump restores into memory: keep it to stores a learner can look at whole. */
const MAX_DUMP_STORE_BYTES = 64 << 20;
const MAX_FRESH_CHUNKS = 8192;

export function openLab(source: TeachSource): Lab {
  switch (source.kind) {
    case 'fresh': {
      const { originChunks, cowChunks } = source;
      const ok = (n: number, min: number) => Number.isInteger(n) && n >= min && n <= MAX_FRESH_CHUNKS;
      if (!ok(originChunks, 1) || !ok(cowChunks, 8)) {
        throw new SnapscopeError('usage', `a lesson store needs 1..${MAX_FRESH_CHUNKS} origin chunks and 8..${MAX_FRESH_CHUNKS} COW chunks (got ${originChunks} and ${cowChunks})`);
      }
      return Lab.fresh(originChunks, cowChunks);
    }
    case 'dump':
      return Lab.overlay(restoreDump(source.dump, source.label), null);
    case 'device':
      if (probeFormat(source.cow) !== 'shared') throw new SnapscopeError('unsupported', `${source.label} is not a shared store: teaching mode shows the shared B-tree`, { device: source.cow.name });
      return Lab.overlay(source.cow, source.origin);
  }
}

/** Rebuilds a shared store from its dump text in memory (metadata only; data chunks read as zeros). */
function restoreDump(text: string, label: string): MemoryDevice {
  const list = new ExceptionList();
  const reader = new DumpReader(label, (o, c, lo, hi) => list.push(o, c, lo, hi));
  reader.write(text);
  const header = reader.finish();
  if (header.format !== 'shared') throw new SnapscopeError('unsupported', `${label} is a ${header.format} store: teaching mode shows the shared B-tree`);
  const bytes = header.chunkCount * header.chunkBytes;
  if (bytes > MAX_DUMP_STORE_BYTES) {
    throw new SnapscopeError('capacity', `${label} is ${Math.round(bytes / 2 ** 20)} MiB; a lesson copies the store into memory, up to ${MAX_DUMP_STORE_BYTES >> 20} MiB`);
  }
  const dev = new MemoryDevice(bytes, label);
  restore(dev, header, list);
  return new MemoryDevice(dev.bytes, label, true);
}

export const DEFAULT_FRESH = { kind: 'fresh', originChunks: 48, cowChunks: 128 } as const satisfies TeachSource;
