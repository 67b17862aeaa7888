import { SnapscopeError } from '../errors.ts';
import { SECTOR_BYTES, type BlockDevice } from './block-device.ts';
import { ForwardingDevice } from './forwarding-device.ts';

/** What a power loss does to each sector write still in the volatile cache. */
export type SectorFate = 'all' | 'none' | 'random';

export interface PowerLossPlan {
  /** Power fails at this 1-based event (each write and each flush of every device on the rail is one). */
  crashAt: number;
  /** all: every cached sector write reaches the disk; none: none does; random: each one independently. */
  fate: SectorFate;
  /** Seed of the random fates (the same seed gives the same survivors). */
  seed?: number;
}

/**
 * The power feeding one or more PowerLossDevices (a COW and its origin fail together). It counts
 * writes and flushes across them and, at the planned event, cuts power: every device decides which
 * of its cached sector writes survive, and every access after that throws SnapscopeError('crashed').
 */
export class PowerRail {
  events = 0;
  failed = false;
  readonly devices: PowerLossDevice[] = [];
  private seed: number;

  constructor(readonly plan: PowerLossPlan | null = null) {
    this.seed = (plan?.seed ?? 1) >>> 0;
  }

  /** Counts one event; at the planned one the power fails and this throws. */
  tick(device: string): void {
    this.alive(device);
    this.events++;
    if (this.plan && this.events === this.plan.crashAt) this.cut(device);
  }

  /** Cuts power now (a test's "crash here"). */
  cut(device: string): never {
    for (const d of this.devices) d.loseCache(this.plan?.fate ?? 'none', () => this.random());
    this.failed = true;
    throw new SnapscopeError('crashed', `simulated power loss at event ${this.events}`, { device });
  }

  alive(device: string): void {
    if (this.failed) throw new SnapscopeError('crashed', 'device lost power', { device });
  }

  /** mulberry32: small, seeded, good enough to pick sector fates. */
  private random(): number {
    let t = (this.seed = (this.seed + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/**
 * A disk with a volatile write cache. Writes reach `inner` at once (reads see them, as they would
 * through the cache), but until the next flush each written sector remembers its durable contents
 * and every value written since. When the rail's power fails, each of those sector writes is kept
 * or dropped (all, none, or at random); a sector ends with its last kept value, or its durable
 * one. Reopen `inner` to see what survived.
 */
export class PowerLossDevice extends ForwardingDevice {
  /** Sector index → [durable contents, then each value written since the last flush]. */
  private readonly cached = new Map<number, Uint8Array[]>();

  constructor(
    inner: BlockDevice,
    readonly rail: PowerRail = new PowerRail(),
  ) {
    super(inner);
    rail.devices.push(this);
  }

  override read(offset: number, dst: Uint8Array): void {
    this.rail.alive(this.name);
    super.read(offset, dst);
  }

  override write(offset: number, src: Uint8Array): void {
    this.rail.alive(this.name);
    const first = Math.floor(offset / SECTOR_BYTES);
    const end = Math.ceil((offset + src.length) / SECTOR_BYTES);
    for (let s = first; s < end; s++) {
      if (!this.cached.has(s)) this.cached.set(s, [this.sector(s)]);
    }
    super.write(offset, src);
    for (let s = first; s < end; s++) this.cached.get(s)!.push(this.sector(s));
    this.rail.tick(this.name);
  }

  override flush(): void {
    this.rail.tick(this.name);
    this.cached.clear();
    super.flush();
  }

  /** Sectors written since the last flush (what a power loss may drop). */
  get cachedSectors(): number {
    return this.cached.size;
  }

  /** The power failed: each cached sector write survives or not, by `fate`. */
  loseCache(fate: SectorFate, random: () => number): void {
    for (const [s, values] of this.cached) {
      let last = values[0]!;
      for (let k = 1; k < values.length; k++) {
        if (fate === 'all' || (fate === 'random' && random() < 0.5)) last = values[k]!;
      }
      this.inner.write(s * SECTOR_BYTES, last.subarray(0, Math.min(SECTOR_BYTES, this.size - s * SECTOR_BYTES)));
    }
    this.cached.clear();
  }

  private sector(s: number): Uint8Array {
    const bytes = new Uint8Array(Math.min(SECTOR_BYTES, this.size - s * SECTOR_BYTES));
    this.inner.read(s * SECTOR_BYTES, bytes);
    return bytes;
  }
}
