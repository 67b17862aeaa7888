import { SnapscopeError } from './errors.ts';
import type { BlockDevice } from './io/block-device.ts';
import type { EventSink } from './events.ts';
import { PersistentStore, SNAP_MAGIC } from './persistent/index.ts';
import { persistentSizeProblem } from './persistent/format.ts';
import { SHARED_MAGIC, SharedStore } from './shared/index.ts';
import { sharedSizeProblem } from './shared/store/format-store.ts';
import type { ExceptionStore, OpenOptions, StoreFormat } from './store.ts';

// le32 at byte 0 of chunk 0 tells the formats apart (docs/format-shared.md, docs/format-persistent.md).
const PERSISTENT_MAGIC = SNAP_MAGIC;

/** The store format on `cow`, by magic; SnapscopeError('not-a-store') naming what was found. */
export function detectFormat(cow: BlockDevice): StoreFormat {
  const magic = readMagic(cow);
  if (magic === SHARED_MAGIC) return 'shared';
  if (magic === PERSISTENT_MAGIC) return 'persistent';
  const found = magic === null ? `it is only ${cow.size} bytes long` : `found magic ${hex(magic)}${magic === 0 ? ' (blank)' : ''}`;
  throw new SnapscopeError(
    'not-a-store',
    `${cow.name} is not a snapshot exception store: ${found}; expected ${hex(SHARED_MAGIC)} (shared) or ${hex(PERSISTENT_MAGIC)} (persistent)`,
    { device: cow.name, offset: 0, field: 'magic' },
  );
}

/** The format on `cow`, or null when it holds neither magic (format uses it to refuse overwrites). */
export function probeFormat(cow: BlockDevice): StoreFormat | null {
  const magic = readMagic(cow);
  return magic === SHARED_MAGIC ? 'shared' : magic === PERSISTENT_MAGIC ? 'persistent' : null;
}

function readMagic(cow: BlockDevice): number | null {
  if (cow.size < 4) return null;
  const b = new Uint8Array(4);
  cow.read(0, b);
  return new DataView(b.buffer).getUint32(0, true);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

export interface FormatStoreOptions {
  chunkBytes: number;
  events?: EventSink;
}

/** Opens the store on `cow`, whichever format it holds. */
export function openStore(cow: BlockDevice, opts: OpenOptions = {}): ExceptionStore {
  switch (detectFormat(cow)) {
    case 'persistent':
      return PersistentStore.open(cow, opts);
    case 'shared':
      return SharedStore.open(cow, opts);
  }
}

/** Why `bytes` cannot hold a store of `kind` with `chunkBytes`-byte chunks ("(N bytes) is too small ..."), or null: format's own rule, asked before anything is written. */
export function formatSizeProblem(kind: StoreFormat, bytes: number, chunkBytes: number): string | null {
  return kind === 'persistent' ? persistentSizeProblem(bytes, chunkBytes) : sharedSizeProblem(bytes, chunkBytes);
}

/** Formats `cow` as a new, empty store of `kind`, open for writing. */
export function formatStore(kind: StoreFormat, cow: BlockDevice, opts: FormatStoreOptions): ExceptionStore {
  const openOpts = opts.events ? { events: opts.events } : {};
  switch (kind) {
    case 'persistent':
      return PersistentStore.format(cow, { chunkBytes: opts.chunkBytes }, openOpts);
    case 'shared':
      return SharedStore.format(cow, { ...openOpts, chunkBytes: opts.chunkBytes });
  }
}
