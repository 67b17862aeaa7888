/**
 * Whether a restore's target can be the store the dump was taken from: a dump's exceptions point
 * at that store's data chunks, so a store of another format or chunk size in the target holds
 * unrelated data there (and restoring would replace it). Only its header sector is read, and a
 * header that names neither format nor a chunk size says nothing: a damaged store is what a dump
 * is restored onto.
 */
import { SECTOR_BYTES } from '../../src-core/io/block-device.ts';
import type { DumpHeader } from '../../src-core/ir/model.ts';
import { HEADER_FIELDS, SNAP_MAGIC } from '../../src-core/persistent/format.ts';
import { HEADER_LAYOUT, SHARED_MAGIC } from '../../src-core/shared/format/header.ts';

/** Why the store whose header sector is `sector` cannot be the dump's, or null when it may be. */
export function otherStore(sector: Uint8Array, dump: DumpHeader): string | null {
  if (sector.length < SECTOR_BYTES) return null;
  const v = new DataView(sector.buffer, sector.byteOffset, SECTOR_BYTES);
  const magic = v.getUint32(0, true);
  const format = magic === SHARED_MAGIC ? 'shared' : magic === SNAP_MAGIC ? 'persistent' : null;
  if (format === null) return null;
  const sectors = v.getUint32(format === 'shared' ? HEADER_LAYOUT.chunk_size.offset : HEADER_FIELDS.chunkSize.offset, true);
  const chunkBytes = sectors * SECTOR_BYTES;
  if (format === dump.format && (chunkBytes === dump.chunkBytes || sectors === 0)) return null;
  return `holds a ${format} store of ${chunkBytes}-byte chunks; the dump is of a ${dump.format} store of ${dump.chunkBytes}-byte chunks, so its exceptions cannot point at this store's data`;
}
