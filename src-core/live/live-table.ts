/**
 * The exception table of a persistent COW that the kernel is writing while we read it. A snapshot's
 * table only grows: the kernel rewrites the current area chunk at each commit and moves to the next
 * area when one is full. A merging one (snapshot-merge) only shrinks: the kernel zeroes its newest
 * entries as it merges them. So the engine's own open reads it (one set of rules for what a table
 * is), through a device whose every read is repeated until two agree, and the number of entries
 * never moves against that direction from one read to the next; a read that does is done again.
 */
import type { BlockDevice } from '../io/block-device.ts';
import { SnapscopeError } from '../errors.ts';
import { PersistentStore } from '../persistent/persistent-store.ts';

export interface LiveTable {
  chunkSectors: number;
  /** Entries in commit order: oldChunk[i] (origin) was copied to newChunk[i] (COW). */
  oldChunk: Float64Array;
  newChunk: Float64Array;
  count: number;
  /** False when the kernel has invalidated the snapshot (header valid = 0). */
  valid: boolean;
  /** When the last read ended (ms): the table is the kernel's state at or before it. */
  asOf: number;
}

const MAX_RETRIES = 50;
/** Whole reads of a table that looks damaged before it is believed. */
const CORRUPT_RETRIES = 5;

/** The engine's store over a live COW, as read at `asOf`. */
export interface LiveRead {
  store: PersistentStore;
  /**
   * Entries at the read before this one (as many as now at the first): [previous, count) are new;
   * while merging, previous - count were merged since.
   */
  previous: number;
  asOf: number;
}

export class LiveTableReader {
  private lastCount: number | null = null;
  private readonly stable: BlockDevice;
  private readonly merging: boolean;

  /** @param options.merging the COW of a snapshot-merge target: its table only shrinks. */
  constructor(
    cow: BlockDevice,
    private readonly now: () => number = Date.now,
    options: { merging?: boolean } = {},
  ) {
    this.stable = new StableReads(cow);
    this.merging = options.merging === true;
  }

  /** The COW as the engine's read-only store, its table never shorter (merging: never longer) than at the last read. */
  open(options: { onProgress?: (done: number, total: number) => void } = {}): LiveRead {
    let torn = 0;
    for (let pass = 0; pass < MAX_RETRIES; pass++) {
      let store: PersistentStore;
      try {
        store = PersistentStore.open(this.stable, options);
      } catch (e) {
        // An area caught half-copied by its writer (one that stalled mid-write, so that two reads
        // agreed on it) looks damaged: read again; damage that stays is reported as it is.
        if (!(e instanceof SnapscopeError) || e.code !== 'corrupt' || ++torn >= CORRUPT_RETRIES) throw e;
        continue;
      }
      const count = store.state.table.count;
      if (this.lastCount === null || (this.merging ? count <= this.lastCount : count >= this.lastCount)) {
        const previous = this.lastCount ?? count;
        this.lastCount = count;
        return { store, previous, asOf: this.now() };
      }
    }
    const what = this.merging ? 'growing between reads of a merging COW; is the kernel still merging it?' : 'shrinking between reads; is it still the same COW (or is the kernel merging it)?';
    throw new SnapscopeError('io', `${this.stable.name}: the exception table kept ${what}`, { device: this.stable.name });
  }

  read(): LiveTable {
    const { store, asOf } = this.open();
    const { table } = store.state;
    return { chunkSectors: store.geometry.chunkSectors, oldChunk: table.wideOldChunk(), newChunk: table.newChunk, count: table.count, valid: store.valid, asOf };
  }
}

/** Reads until two reads of the same range agree: a commit that raced the first read is seen whole. Never writes. */
class StableReads implements BlockDevice {
  readonly readOnly = true;

  constructor(private readonly inner: BlockDevice) {}

  get name(): string {
    return this.inner.name;
  }

  get size(): number {
    return this.inner.size;
  }

  read(offset: number, dst: Uint8Array): void {
    const again = new Uint8Array(dst.length);
    this.inner.read(offset, dst);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      this.inner.read(offset, again);
      if (equal(dst, again)) return;
      dst.set(again);
    }
    throw new SnapscopeError('io', `${this.inner.name}: offset ${offset} changed at every one of ${MAX_RETRIES} reads`, { device: this.inner.name, offset });
  }

  write(): void {
    throw new SnapscopeError('read-only', `${this.inner.name} is only read here`, { device: this.inner.name });
  }

  flush(): void {}

  close(): void {}
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
