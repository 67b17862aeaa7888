/**
 * The exception table of a persistent COW that the kernel is writing while we read it. The kernel
 * only appends: it rewrites the current area chunk at each commit and moves to the next area when
 * one is full. So each area is read until two reads agree, areas are read in order while the
 * previous one is full (as the kernel's read_exceptions does), and the number of entries never
 * falls from one pass to the next; a pass that sees fewer is read again.
 */
import type { BlockDevice } from '../io/block-device.ts';
import { SnapscopeError } from '../errors.ts';
import { ENTRY_BYTES, Geometry, SNAP_MAGIC, SNAPSHOT_DISK_VERSION, chunkSizeProblem, decodeHeader, view } from '../persistent/format.ts';

export interface LiveTable {
  chunkSectors: number;
  /** Entries in commit order: oldChunk[i] (origin) was copied to newChunk[i] (COW). */
  oldChunk: Float64Array;
  newChunk: Float64Array;
  count: number;
  /** False when the kernel has invalidated the snapshot (header valid = 0). */
  valid: boolean;
  /** When the last read of the pass ended (ms): the table is the kernel's state at or before it. */
  asOf: number;
}

const MAX_RETRIES = 50;

export class LiveTableReader {
  private lastCount = 0;

  constructor(
    private readonly cow: BlockDevice,
    private readonly now: () => number = Date.now,
  ) {}

  read(): LiveTable {
    for (let pass = 0; pass < MAX_RETRIES; pass++) {
      const table = this.pass();
      if (table.count >= this.lastCount) {
        this.lastCount = table.count;
        return table;
      }
    }
    throw new SnapscopeError('io', `${this.cow.name}: the exception table kept shrinking between reads; is it still the same COW?`, { device: this.cow.name });
  }

  private pass(): LiveTable {
    const header = decodeHeader(this.stableRead(0, 512));
    const where = { device: this.cow.name, chunk: 0 };
    if (header.magic !== SNAP_MAGIC) throw new SnapscopeError('not-a-store', `${this.cow.name} is not a persistent snapshot COW (no "SnAp" magic)`, where);
    if (header.version !== SNAPSHOT_DISK_VERSION) throw new SnapscopeError('corrupt', `${this.cow.name}: version ${header.version}, the kernel writes ${SNAPSHOT_DISK_VERSION}`, where);
    const problem = chunkSizeProblem(header.chunkSectors);
    if (problem) throw new SnapscopeError('corrupt', `${this.cow.name}: chunk size ${header.chunkSectors} sectors ${problem}`, where);
    const geo = new Geometry(header.chunkSectors);
    const chunkCount = Math.floor(this.cow.size / geo.chunkBytes);
    const epa = geo.exceptionsPerArea;
    let oldChunk = new Float64Array(epa);
    let newChunk = new Float64Array(epa);
    let count = 0;
    for (let area = 0; ; area++) {
      const location = geo.areaLocation(area);
      if (location >= chunkCount) break; // the COW ends with a full area
      const v = view(this.stableRead(location * geo.chunkBytes, geo.chunkBytes));
      if (count + epa > oldChunk.length) [oldChunk, newChunk] = [grow(oldChunk, count + epa), grow(newChunk, count + epa)];
      let i = 0;
      for (; i < epa; i++) {
        const at = i * ENTRY_BYTES;
        const newLo = v.getUint32(at + 8, true);
        const newHi = v.getUint32(at + 12, true);
        if (newLo === 0 && newHi === 0) break;
        const oldHi = v.getUint32(at + 4, true);
        const n = newHi * 0x1_0000_0000 + newLo;
        if (oldHi >= 0x20_0000 || newHi >= 0x20_0000 || n >= chunkCount || geo.isMetadataChunk(n)) {
          throw new SnapscopeError('corrupt', `area ${area} entry ${i}: new_chunk ${n} is not a data chunk of the COW`, { device: this.cow.name, chunk: location, entry: i });
        }
        oldChunk[count] = oldHi * 0x1_0000_0000 + v.getUint32(at, true);
        newChunk[count] = n;
        count++;
      }
      if (i < epa) break;
    }
    return { chunkSectors: header.chunkSectors, oldChunk, newChunk, count, valid: header.valid !== 0, asOf: this.now() };
  }

  /** Reads until two reads of the same range agree: a commit that raced the first read is seen whole. */
  private stableRead(offset: number, bytes: number): Uint8Array {
    let a = new Uint8Array(bytes);
    let b = new Uint8Array(bytes);
    this.cow.read(offset, a);
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      this.cow.read(offset, b);
      if (equal(a, b)) return a;
      [a, b] = [b, a];
    }
    throw new SnapscopeError('io', `${this.cow.name}: offset ${offset} changed at every one of ${MAX_RETRIES} reads`, { device: this.cow.name, offset });
  }
}

function grow(a: Float64Array, min: number): Float64Array<ArrayBuffer> {
  const g = new Float64Array(Math.max(min, a.length * 2));
  g.set(a);
  return g;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
