import path from 'node:path';
import { FIRST_DATA, writeMetadataStore } from './metadata-store.ts';

/** Origin ranges of the big store and the copies each origin chunk has (share masks over 6 snapshots). */
const SEGMENTS: { origins: number; masks: number[] }[] = [
  { origins: 150_000, masks: [0x01] }, // only the oldest snapshot still reads these
  { origins: 200_000, masks: [0x3f] }, // one copy every snapshot shares
  { origins: 100_000, masks: [0x03, 0x3c] }, // two copies: the old pair, the new four
  { origins: 150_000, masks: [0x04] },
  { origins: 100_000, masks: [0x30] },
  { origins: 100_000, masks: [0x08] },
  { origins: 100_000, masks: [0x20] },
];

export interface BigStore {
  cow: string;
  exceptions: number;
  chunkCount: number;
  snapshots: string[];
  buildMs: number;
}

/**
 * A shared store of a million exceptions in six snapshots, metadata only: the toolbox's bottom-up
 * builder (what `snapscope restore` uses) writes its tree into a sparse file, data chunks are
 * never written. About a second and 25 MB of disk.
 */
export function makeBigStore(dir: string): BigStore {
  const started = Date.now();
  const exceptions = SEGMENTS.reduce((n, s) => n + s.origins * s.masks.length, 0);
  const chunkCount = FIRST_DATA + exceptions + 100_000;
  const cow = path.join(dir, 'big.cow');
  const snapshots = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  writeMetadataStore(cow, chunkCount, snapshots, 1_704_067_200, {
    forEach(visit) {
      let origin = 0;
      let chunk = FIRST_DATA;
      for (const { origins, masks } of SEGMENTS) {
        for (let i = 0; i < origins; i++, origin++) for (const mask of masks) visit(origin, chunk++, mask, 0);
      }
    },
  });
  return { cow, exceptions, chunkCount, snapshots, buildMs: Date.now() - started };
}
