/**
 * The lesson's store: the real SharedStore over in-memory devices, either a fresh tiny one or an
 * overlay over an existing store (writes stay in memory). `run` performs one operation with the
 * engine's own calls; the events it emits go to `listener`.
 */
import { SnapscopeError } from '../errors.ts';
import type { EventSink, StructuralEvent } from '../events.ts';
import type { BlockDevice } from '../io/block-device.ts';
import { MemoryDevice } from '../io/memory-device.ts';
import { runToEnd } from '../jobs/job.ts';
import { SharedStore } from '../shared/index.ts';
import { createSharedMerge } from '../shared/merge/index.ts';
import type { TeachOp } from './ops.ts';
import { opChunks } from './ops.ts';
import { OverlayDevice } from '../io/overlay-device.ts';
import { originTag, snapshotTag, tagBytes } from './tags.ts';
import { TrackedDevice } from './tracked-device.ts';

/** 512-byte chunks: a leaf holds about 20 single-copy origin chunks, so splits come fast. */
const LESSON_CHUNK_BYTES = 512;
/** Lessons label snapshots with fixed creation times and UUIDs, so a replay is byte-identical. */
const CREATED = 1704067200;
/** Origin chunks a merge moves per batch in a lesson. */
const MERGE_BATCH_CHUNKS = 2;
/** An overlay's origin (when the store's own is not at hand) covers at least this many chunks. */
const MIN_ORIGIN_CHUNKS = 48;

export class Lab {
  listener: EventSink | null = null;
  /** Called after each data write that has no structural event of its own. */
  afterWrite: ((kind: 'origin-write' | 'write-in-place', chunk: number) => void) | null = null;
  private readonly versions: number[] = [];
  private creates = 0;
  private copied = false;

  private constructor(
    readonly store: SharedStore,
    readonly cow: TrackedDevice,
    readonly origin: TrackedDevice,
  ) {}

  /** A freshly formatted store of `cowChunks` chunks over an origin of `originChunks` tagged chunks. */
  static fresh(originChunks: number, cowChunks: number): Lab {
    const cb = LESSON_CHUNK_BYTES;
    const origin = new MemoryDevice(originChunks * cb, 'origin');
    for (let c = 0; c < originChunks; c++) origin.write(c * cb, tagBytes(originTag(c, 0)));
    const lab: { current: Lab | null } = { current: null };
    const cow = new TrackedDevice(new MemoryDevice(cowChunks * cb, 'lesson COW'));
    const store = SharedStore.format(cow, { chunkBytes: cb, events: (e) => lab.current?.emit(e) });
    lab.current = new Lab(store, cow, new TrackedDevice(origin));
    return lab.current;
  }

  /**
   * The store on `cow`, opened for writing through an OverlayDevice: neither `cow` nor `origin` is
   * ever written. Without an origin, a blank one covers every origin chunk the store mentions.
   */
  static overlay(cow: BlockDevice, origin: BlockDevice | null): Lab {
    const lab: { current: Lab | null } = { current: null };
    const tracked = new TrackedDevice(new OverlayDevice(cow));
    const store = SharedStore.open(tracked, { write: true, events: (e) => lab.current?.emit(e) });
    let dev = origin ? new OverlayDevice(origin) : null;
    if (!dev) {
      let top = MIN_ORIGIN_CHUNKS - 1;
      store.forEachException((o) => (top = Math.max(top, o)));
      dev = new OverlayDevice(new MemoryDevice((top + 1) * store.chunkBytes, 'origin (blank)', true));
    }
    lab.current = new Lab(store, tracked, new TrackedDevice(dev));
    return lab.current;
  }

  get originChunks(): number {
    return Math.floor(this.origin.size / this.store.chunkBytes);
  }

  /** Runs `o` on the engine, committing after each change as the kernel does before it completes a bio. */
  run(o: TeachOp): void {
    const store = this.store;
    switch (o.op) {
      case 'create': {
        const n = this.creates++;
        const uuid = `7eac4000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
        store.createSnapshot({ ...(o.name === undefined ? {} : { name: o.name }), uuid, created: CREATED + n * 86400 });
        store.commit();
        break;
      }
      case 'write-origin':
        for (const c of opChunks(o)) {
          this.checkChunk(c);
          const v = (this.versions[c] ?? 0) + 1;
          this.versions[c] = v;
          // writeOrigin commits the copy before it writes the origin, as the kernel does.
          store.writeOrigin(this.origin, c, tagBytes(originTag(c, v)));
          this.afterWrite?.('origin-write', c);
        }
        break;
      case 'write-snapshot':
        for (const c of opChunks(o)) {
          this.checkChunk(c);
          this.copied = false;
          store.writeSnapshot(this.origin, o.slot, c, tagBytes(snapshotTag(c, o.slot)));
          // In place changes no metadata: nothing to commit, as in the kernel.
          if (!this.copied) this.afterWrite?.('write-in-place', c);
          else store.commit();
        }
        break;
      case 'delete':
        store.deleteSnapshot(o.slot);
        store.commit();
        break;
      case 'merge':
        // Small batches, so a lesson shows the merge's rhythm: copy for the others, copy onto the origin, clear.
        runToEnd(createSharedMerge(store, this.origin, o.slot, { batchBytes: MERGE_BATCH_CHUNKS * store.chunkBytes }));
        break;
    }
  }

  private checkChunk(c: number): void {
    if (c >= this.originChunks) throw new SnapscopeError('not-found', `origin chunk ${c} is past the end of the lesson's origin (${this.originChunks} chunks, 0..${this.originChunks - 1})`, { chunk: c });
  }

  private emit(e: StructuralEvent): void {
    if (e.type === 'copy-data') this.copied = true;
    this.listener?.(e);
  }
}
