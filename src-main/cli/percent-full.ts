import type { StoreInfo } from '../../src-core/store.ts';

/**
 * How full the COW is, as lvs shows Snap%/Data%: allocated over total from the kernel's status
 * figures for a persistent COW, chunks in use over all chunks for a shared store.
 */
export function percentFull(i: StoreInfo): number {
  const k = i.kernelStatus;
  if (k) return k.totalSectors ? (100 * k.allocatedSectors) / k.totalSectors : 0;
  return i.usage.totalChunks ? (100 * i.usage.allocatedChunks) / i.usage.totalChunks : 0;
}
