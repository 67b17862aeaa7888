import fs from 'node:fs';
import path from 'node:path';
import { buildPersistent } from '../src-core/ir/persistent-builder.ts';
import { Geometry, SNAPSHOT_DISK_VERSION } from '../src-core/persistent/format.ts';
import { FileDevice } from '../src-main/host/file-device.ts';

const CHUNK_BYTES = 4096;
/** Origins are a permutation of 0..n-1 (entry i copies origin i × STEP mod n), so sorting has work to do. */
const STEP = 1_000_003;

export interface BigPersistent {
  cow: string;
  exceptions: number;
  /** The origin chunk of table entry `entry`. */
  originOf(entry: number): number;
}

/**
 * A persistent COW of `exceptions` exceptions, metadata only (a sparse file, data chunks never
 * written), through the toolbox's builder: entry i copies origin (i × STEP) mod n into the i-th
 * data chunk.
 */
export function makeBigPersistent(dir: string, exceptions: number): BigPersistent {
  if (exceptions % STEP === 0) throw new Error(`${exceptions} exceptions: a multiple of ${STEP} is no permutation`);
  const geo = new Geometry(CHUNK_BYTES / 512);
  const chunkCount = Math.ceil((exceptions * geo.stride) / geo.exceptionsPerArea) + 2 * geo.stride;
  const cow = path.join(dir, `p${exceptions}.cow`);
  fs.writeFileSync(cow, '');
  fs.truncateSync(cow, chunkCount * CHUNK_BYTES);
  const originOf = (entry: number): number => (entry * STEP) % exceptions;
  const device = FileDevice.open(cow, { write: true });
  try {
    const header = { format: 'persistent' as const, chunkBytes: CHUNK_BYTES, chunkCount, valid: true, version: SNAPSHOT_DISK_VERSION, snapmask: 1n, snapshots: [] };
    buildPersistent(device, header, {
      forEach(visit) {
        for (let i = 0, chunk = 2; i < exceptions; i++, chunk++) {
          if (geo.isMetadataChunk(chunk)) chunk++;
          visit((i * STEP) % exceptions, chunk, 1, 0);
        }
      },
    });
  } finally {
    device.close();
  }
  return { cow, exceptions, originOf };
}
