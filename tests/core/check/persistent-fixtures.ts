/**
 * Persistent COWs built by the engine, then damaged on purpose with the codec's own encoders.
 * docs/check.md ("Damaged fixtures") describes each one; the recipes here are the reference.
 */
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { ENTRY_BYTES, ENTRY_FIELDS, Geometry, decodeHeader, encodeHeader, view, writeLe64 } from '../../../src-core/persistent/format.ts';
import { PersistentStore } from '../../../src-core/persistent/index.ts';

export const CHUNK = 512; // 32 entries per area keeps areas small enough to fill
export const GEO = new Geometry(CHUNK / 512);

/** A COW of `chunks` chunks holding exceptions for origin chunks 100, 101, ... (n of them). */
export function persistentCow(n: number, chunks = 256): MemoryDevice {
  const cow = new MemoryDevice(chunks * CHUNK, 'cow');
  const origin = new MemoryDevice(4096 * CHUNK, 'origin');
  const store = PersistentStore.format(cow, { chunkBytes: CHUNK });
  for (let i = 0; i < n; i++) store.writeOrigin(origin, 100 + i, new Uint8Array(CHUNK).fill(i + 1));
  store.commit();
  store.close();
  return cow;
}

/** Byte offset of table entry `n` (area n / epa, slot n % epa). */
export function entryOffset(n: number): number {
  const epa = GEO.exceptionsPerArea;
  return GEO.areaLocation(Math.floor(n / epa)) * CHUNK + (n % epa) * ENTRY_BYTES;
}

export function getEntry(cow: MemoryDevice, n: number): { old: number; new: number } {
  const v = view(cow.bytes.subarray(entryOffset(n), entryOffset(n) + ENTRY_BYTES));
  return { old: v.getUint32(ENTRY_FIELDS.oldChunk.offset, true), new: v.getUint32(ENTRY_FIELDS.newChunk.offset, true) };
}

export function setEntry(cow: MemoryDevice, n: number, field: 'oldChunk' | 'newChunk', value: number): void {
  writeLe64(view(cow.bytes.subarray(entryOffset(n), entryOffset(n) + ENTRY_BYTES)), ENTRY_FIELDS[field].offset, value);
}

export function setHeader(cow: MemoryDevice, change: Partial<ReturnType<typeof decodeHeader>>): void {
  encodeHeader({ ...decodeHeader(cow.bytes), ...change }, cow.bytes);
}
