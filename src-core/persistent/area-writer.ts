/**
 * Writes the persistent store's metadata areas from its in-memory table, for the store's own
 * exceptions and for the merge (merge.ts). Entries past the table's end are written as zeros:
 * that is how the table ends on disk, and how a merge clears the entries it has merged.
 */
import type { BlockDevice } from '../io/block-device.ts';
import type { ListenerGuard } from '../listener-guard.ts';
import type { ExceptionTable } from './exception-table.ts';
import { ENTRY_BYTES, view, writeLe64, type Geometry } from './format.ts';

export class AreaWriter {
  constructor(
    private readonly cow: BlockDevice,
    private readonly geometry: Geometry,
    private readonly table: ExceptionTable,
    /** An area write from a structural event listener would land between an entry's push and its own area write: refused. */
    private readonly listener: ListenerGuard,
  ) {}

  /** Writes area `area` whole. */
  writeArea(area: number): void {
    this.writeAreaBytes(area, 0, this.geometry.chunkBytes);
  }

  /** Writes bytes [from, to) of area `area`: a merge clears entries one sector at a time this way. */
  writeAreaBytes(area: number, from: number, to: number): void {
    this.listener.checkNotInEvent('writeAreaBytes');
    const epa = this.geometry.exceptionsPerArea;
    const bytes = new Uint8Array(to - from);
    const v = view(bytes);
    const table = this.table;
    const end = Math.min(table.count, area * epa + to / ENTRY_BYTES);
    for (let i = area * epa + from / ENTRY_BYTES, at = 0; i < end; i++, at += ENTRY_BYTES) {
      writeLe64(v, at, table.oldChunk[i]!);
      writeLe64(v, at + 8, table.newChunkOf(i));
    }
    this.cow.write(this.geometry.areaLocation(area) * this.geometry.chunkBytes + from, bytes);
  }
}
