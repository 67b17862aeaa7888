import type { SessionDto, StructuralEventDto } from '../../src-core/api/dto.ts';
import { ApiError } from '../../src-core/api/errors.ts';
import { SnapscopeError } from '../../src-core/errors.ts';
import type { StructuralEvent } from '../../src-core/events.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import { openStore } from '../../src-core/open.ts';
import type { ExceptionStore } from '../../src-core/store.ts';
import { structuralToDto } from './convert.ts';
import { DiskWatch, watchRegions } from './disk-watch.ts';
import { ExceptionIndex } from './exception-index.ts';
import { TableOrders } from './exception-page.ts';
import type { HelperLauncher } from './helper-device.ts';
import { LockedError } from './access/inputs.ts';
import { originCowShared } from './access/target.ts';
import { assertNotInUse } from './in-use.ts';
import { LiveTableReader } from '../../src-core/live/live-table.ts';
import { openLiveCow } from './live/live-cow.ts';
import { isBlockDevice, openDevice } from './open-device.ts';

/** Structural events sent per flush at most; a bulk job would otherwise flood every client. */
const MAX_EVENTS_PER_FLUSH = 2000;

export interface SessionOpen {
  id: string;
  cow: string;
  origin: string | null;
  write: boolean;
  helper: HelperLauncher | null;
  onProgress?: (done: number, total: number) => void;
  /** A reload continues the generations of the session it replaces. */
  generation?: number;
  /** Whether any client hears events (HostContext.audience): with none, structural events are not converted or kept. */
  audience?: { listening: boolean };
  /** A live COW (live-cow.ts): read on `host` with `helper`, consistently, never written; `merging`: a snapshot-merge target's. */
  live?: { host: string; merging?: boolean; helper: HelperLauncher | null; helperNote?: string | null };
}

/** Where a live session's table comes from, and when it was read. */
export interface LiveSource {
  host: string;
  merging: boolean;
  reader: LiveTableReader;
  asOf: number;
  previous: number;
}

/**
 * An open store: the COW, optionally its origin, the engine's ExceptionStore over them, and
 * the structural events it emitted since the last flush. One writer at a time: a job that writes
 * holds `writer` until it ends, and every other write is refused meanwhile ('busy'). Jobs that
 * walk the raw COW over many slices (check, stats, dump) are `readers`: writes wait for them, so
 * a walk never reads a store half-way through a change.
 */
export class StoreSession {
  writer: string | null = null;
  readonly readers = new Set<string>();
  private index: ExceptionIndex | null = null;
  private building: Promise<ExceptionIndex> | null = null;
  private orders: { version: number; orders: TableOrders } | null = null;
  /** Bumped by every change of the store's content (a build in progress starts again). */
  private version = 0;
  private pending: StructuralEventDto[] = [];
  private dropped = 0;
  /** Bumped by every commit the host makes and every reload (HostContext.changed). */
  generation = 1;
  /** Someone else changed the store on disk: writes wait for a reload. `announced` once the clients were told. */
  stale = false;
  announced = false;
  readonly watch: DiskWatch;

  private constructor(
    readonly id: string,
    readonly cowPath: string,
    readonly originPath: string | null,
    readonly write: boolean,
    readonly cow: BlockDevice,
    readonly origin: BlockDevice | null,
    readonly store: ExceptionStore,
    readonly viaHelper: boolean,
    /** Why a session asked for writing is read-only: another process holds the store. */
    readonly readOnlyReason: string | null,
    private readonly audience: { listening: boolean },
    /** A live COW's reader (the kernel writes it), or null for a store at rest. */
    readonly live: LiveSource | null = null,
  ) {
    this.watch = new DiskWatch(cowPath, cow, watchRegions(store));
  }

  /**
   * Opens the store. Asked for writing while another process (a CLI command, another window)
   * holds it for writing, it opens read-only instead and says why (`readOnlyReason`), rather than
   * failing later at the first write.
   */
  static open(o: SessionOpen): StoreSession {
    try {
      return StoreSession.openAs(o, null);
    } catch (e) {
      if (e instanceof LockedError) return StoreSession.openAs({ ...o, write: false }, `opened read-only: ${e.where.device ?? o.cow} is in use (${e.holder})`);
      // A damaged store opens only read-only (tolerating the damage), so it can be looked at;
      // one that does not open even so fails with why it could not be written.
      if (o.write && e instanceof SnapscopeError && e.code === 'corrupt') {
        try {
          return StoreSession.openAs({ ...o, write: false }, 'opened read-only: the store is damaged (check lists every problem, repair writes a repaired copy)');
        } catch {
          throw e;
        }
      }
      throw e;
    }
  }

  private static openAs(o: SessionOpen, readOnlyReason: string | null): StoreSession {
    if (o.live) return StoreSession.openLive(o, o.live);
    // Before either is opened: opening one for writing would make the other look merely in use.
    const shared = o.origin === null ? null : originCowShared(o.origin, o.cow);
    if (shared) throw new ApiError('bad-request', shared, { field: 'origin', device: o.origin! });
    const cow = openDevice(o.cow, 'COW', o.write, o.helper);
    let origin: ReturnType<typeof openDevice> | null = null;
    let session: StoreSession | null = null;
    try {
      if (o.origin !== null) origin = openDevice(o.origin, 'origin', o.write, o.helper);
      const store = openStore(cow.dev, {
        write: o.write,
        // Read-only sessions show a damaged store: header, usage, snapshots and what the walk proves.
        tolerateDamage: !o.write,
        events: (e) => session?.record(e), // nothing is recorded during the open itself
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      });
      if (origin) checkGeometry(store, origin.dev);
      session = new StoreSession(o.id, o.cow, o.origin, o.write, cow.dev, origin?.dev ?? null, store, cow.viaHelper || origin?.viaHelper === true, readOnlyReason, o.audience ?? { listening: true });
      session.generation = o.generation ?? 1;
      return session;
    } catch (e) {
      origin?.dev.close();
      cow.dev.close();
      throw e;
    }
  }

  /**
   * A live COW, opened alone (its origin is written meanwhile) and read-only: the engine's own
   * persistent open through the live reader (repeat-until-equal reads, a table that never shrinks,
   * or never grows while the kernel merges it).
   */
  private static openLive(o: SessionOpen, live: NonNullable<SessionOpen['live']>): StoreSession {
    if (o.write) throw new ApiError('bad-request', `a live COW is only ever read: open ${o.cow} without write`, { field: 'write', device: o.cow });
    if (o.origin !== null) throw new ApiError('bad-request', `a live COW opens alone: its origin is being written meanwhile`, { field: 'origin', device: o.cow });
    const cow = openLiveCow(o.cow, live.host, live.helper, live.helperNote ?? null);
    try {
      const merging = live.merging === true;
      const reader = new LiveTableReader(cow.dev, Date.now, { merging });
      const read = reader.open(o.onProgress ? { onProgress: o.onProgress } : {});
      const session = new StoreSession(o.id, o.cow, null, false, cow.dev, null, read.store, cow.viaHelper, null, o.audience ?? { listening: true }, { host: live.host, merging, reader, asOf: read.asOf, previous: read.previous });
      session.generation = o.generation ?? 1;
      return session;
    } catch (e) {
      cow.dev.close();
      throw e;
    }
  }

  /** A live session read again through its open device: the same id, the kernel's newer table. */
  refreshLive(): StoreSession {
    if (!this.live) throw new ApiError('usage', `${this.cowPath} is not open live`, { device: this.cowPath });
    const read = this.live.reader.open();
    const s = new StoreSession(this.id, this.cowPath, null, false, this.cow, null, read.store, this.viaHelper, null, this.audience, { ...this.live, asOf: read.asOf, previous: read.previous });
    s.generation = this.generation;
    return s;
  }

  dto(): SessionDto {
    return {
      session: this.id,
      cow: this.cowPath,
      origin: this.originPath,
      write: this.write,
      format: this.store.format,
      viaHelper: this.viaHelper,
      ...(this.readOnlyReason !== null && { readOnlyReason: this.readOnlyReason }),
      info: this.store.info(),
      generation: this.generation,
      ...(this.live && { live: { host: this.live.host, asOf: this.live.asOf, previous: this.live.previous, ...(this.live.merging && { merging: true as const }) } }),
    };
  }

  /** Throws unless this session may write now: opened for write, valid, no job using it, nobody else using its files. */
  requireWrite(what: string): void {
    const damage = this.store.damaged ? this.store.info().damage : undefined;
    if (damage) {
      throw new ApiError('read-only', `cannot ${what}: ${this.cowPath} is damaged (${damage.errors} error${damage.errors === 1 ? '' : 's'} found when it was opened) and opens read-only; run check for every finding and repair to write a repaired copy`, {
        device: this.cowPath,
      });
    }
    if (!this.write) {
      const why = this.readOnlyReason ? `${this.readOnlyReason}; close it there and reopen` : 'open it with write: true';
      throw new ApiError('read-only', `cannot ${what}: ${this.cowPath} is open read-only (${why})`, { device: this.cowPath });
    }
    if (!this.store.valid) throw new ApiError('read-only', `cannot ${what}: ${this.cowPath} is marked invalid and opens read-only`, { device: this.cowPath });
    this.requireNoWriter(what);
    this.requireFresh(what);
    this.requireUnused(what);
    if (this.readers.size) throw new ApiError('busy', `cannot ${what}: ${[...this.readers].join(', ')} is reading ${this.cowPath}; wait for it or cancel it`, { device: this.cowPath });
  }

  /**
   * Block devices we opened for write are ours alone (O_EXCL: the kernel refuses to mount them or
   * put them in a dm table meanwhile), but an image file can be attached to a loop device at any
   * time: ask again before each write, merge and snapshot change.
   */
  private requireUnused(what: string): void {
    for (const [path, role] of [[this.cowPath, 'COW'], [this.originPath, 'origin']] as const) {
      if (path !== null && !isBlockDevice(path)) assertNotInUse(path, role, what);
    }
  }

  /** Throws 'stale' when the store changed on disk since it was read: a write now would overwrite that change. */
  requireFresh(what: string): void {
    if (!this.stale && this.watch.changed()) this.stale = true;
    if (this.stale) throw new ApiError('stale', `cannot ${what}: ${this.cowPath} changed on disk since it was read (another program wrote it); reload it first`, { device: this.cowPath });
  }

  /** Throws 'busy' while a job writes to this store. */
  requireNoWriter(what: string): void {
    if (this.writer !== null) throw new ApiError('busy', `cannot ${what}: ${this.writer} is writing to ${this.cowPath}; wait for it or cancel it`, { device: this.cowPath });
  }

  requireOrigin(what: string): BlockDevice {
    if (!this.origin) throw new ApiError('usage', `cannot ${what}: no origin was opened with ${this.cowPath}`, { device: this.cowPath, field: 'origin' });
    return this.origin;
  }

  /** Throws when `chunk` is not a chunk of the COW. */
  requireChunk(chunk: number, count = this.store.chunkCount, what = 'COW'): void {
    if (chunk >= count) throw new ApiError('bad-request', `chunk ${chunk} is past the end of the ${what} (${count} chunks)`, { chunk, field: 'chunk' });
  }

  /**
   * The exceptions by COW chunk, built on first use after a change, in slices (other calls are
   * served meanwhile); a change during the build starts it again. Callers share one build.
   */
  exceptionIndex(): Promise<ExceptionIndex> {
    if (this.index) return Promise.resolve(this.index);
    this.building ??= (async () => {
      try {
        for (;;) {
          const version = this.version;
          const built = await ExceptionIndex.buildChunked(this.store, () => this.version !== version);
          if (built && this.version === version) return (this.index = built);
        }
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }

  /** The persistent table's orderings for the store as it is now (exception-page.ts). */
  tableOrders(): TableOrders {
    const version = this.version;
    if (this.orders?.version !== version) this.orders = { version, orders: new TableOrders(() => this.version !== version) };
    return this.orders.orders;
  }

  /** The store's content changed: drop what was derived from it. */
  contentChanged(): void {
    this.index = null;
    this.orders = null;
    this.version++;
  }

  /** The structural events since the last call, as one batch (null when there were none). */
  takeEvents(): { events: StructuralEventDto[]; dropped: number } | null {
    if (this.pending.length === 0 && this.dropped === 0) return null;
    const batch = { events: this.pending, dropped: this.dropped };
    this.pending = [];
    this.dropped = 0;
    return batch;
  }

  /**
   * Closes the store. A clean close may commit once more (deferred frees); when someone else wrote
   * the store meanwhile that commit would overwrite their change, so a stale store is dropped
   * without writing: its last commit of ours is already on disk.
   */
  close(): void {
    try {
      if (!this.stale && !this.watch.changed()) this.store.close();
    } finally {
      this.watch.close();
      this.origin?.close();
      this.cow.close();
    }
  }

  /** The EventSink of this session's engine work (the store's, and jobs' like merge). */
  readonly record = (e: StructuralEvent): void => {
    if (!this.audience.listening) return;
    if (this.pending.length < MAX_EVENTS_PER_FLUSH) this.pending.push(structuralToDto(e));
    else this.dropped++;
  };
}

/** The origin must hold whole chunks and at least one (dm-snapshot's own constraint). */
function checkGeometry(store: ExceptionStore, origin: BlockDevice): void {
  if (origin.size < store.chunkBytes) {
    throw new SnapscopeError('usage', `the origin ${origin.name} (${origin.size} bytes) is smaller than one chunk (${store.chunkBytes} bytes) of ${store.cow.name}`, { device: origin.name });
  }
  if (origin.size % 512 !== 0) throw new SnapscopeError('usage', `the origin ${origin.name} is not a whole number of sectors (${origin.size} bytes)`, { device: origin.name });
}
