/** The persistent walk's first step: the header, and the table's geometry when its chunk size gives one. */
import { SECTOR_BYTES, type BlockDevice } from '../io/block-device.ts';
import { SnapscopeError } from '../errors.ts';
import { HEADER_BYTES, SNAP_MAGIC, SNAPSHOT_DISK_VERSION, Geometry, chunkSizeProblem, decodeHeader, type DiskHeader } from '../persistent/format.ts';
import type { FindingLog } from './findings.ts';

/** The header; only "not a store at all" throws (too short, no magic): the rest are findings. */
export function readHeader(cow: BlockDevice): DiskHeader {
  if (cow.size < SECTOR_BYTES) throw new SnapscopeError('not-a-store', `${cow.name} (${cow.size} bytes) is too short for a persistent COW header`, { device: cow.name });
  const head = new Uint8Array(HEADER_BYTES);
  cow.read(0, head);
  const h = decodeHeader(head);
  const where = { device: cow.name, chunk: 0, offset: 0, field: 'magic' };
  if (h.magic === 0) throw new SnapscopeError('not-a-store', `${cow.name} has an all-zero header: not a store yet (the kernel would format it as a new, empty snapshot)`, where);
  if (h.magic !== SNAP_MAGIC) {
    throw new SnapscopeError('not-a-store', `${cow.name}: bad magic 0x${h.magic.toString(16).padStart(8, '0')} at offset 0 (a persistent COW has 0x70416e53, "SnAp")`, where);
  }
  return h;
}

/** The header's other fields as findings; the geometry, or null when the chunk size locates no table. */
export function judgeHeader(h: DiskHeader, cow: BlockDevice, log: FindingLog): Geometry | null {
  if (h.valid === 0) log.add('p-header-invalid', 0, 'the snapshot was invalidated by the kernel (it overflowed or failed); it cannot be activated', { field: 'valid', expected: 1, found: 0 });
  if (h.version !== SNAPSHOT_DISK_VERSION) log.add('p-header-version', 0, `header version ${h.version} at offset 8: the kernel reads only version ${SNAPSHOT_DISK_VERSION}`, { field: 'version', expected: SNAPSHOT_DISK_VERSION, found: h.version });
  // A chunk size the kernel rejects, or one that leaves no room for the header and area 0.
  const chunkBytes = h.chunkSectors * SECTOR_BYTES;
  const problem = chunkSizeProblem(h.chunkSectors) ?? (2 * chunkBytes > cow.size ? `(${chunkBytes} bytes) leaves no room for metadata area 0 in a ${cow.size}-byte device (truncated, or a bad chunk size?)` : null);
  if (!problem) return new Geometry(h.chunkSectors);
  log.add('p-header-chunk-size', 0, `chunk_size ${h.chunkSectors} sectors at offset 12 ${problem}; the table cannot be located`, { field: 'chunk_size', found: h.chunkSectors });
  return null;
}
