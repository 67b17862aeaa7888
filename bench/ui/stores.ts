/** The stores `npm run bench:ui` opens: generated metadata-only (sparse files), as the e2e specs do. */
import fs from 'node:fs';
import path from 'node:path';
import { buildShared } from '../../src-core/ir/shared-builder.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';

export { makeBigPersistent } from '../../e2e/big-persistent.ts';
export { makeManySnapshots } from '../../e2e/many-snapshots.ts';

const CHUNK_BYTES = 4096;
const FIRST_DATA = 64;
/** Share masks over six snapshots, in turn per origin chunk: old-only, all, two copies, new ones. */
const PATTERN: number[][] = [[0x01], [0x3f], [0x03, 0x3c], [0x04], [0x30], [0x08], [0x20]];

export interface SharedBench {
  cow: string;
  origin: string;
  exceptions: number;
  chunkCount: number;
  /** Origin chunks with exceptions: 0..dataOrigins-1 (the origin has 100,000 more). */
  dataOrigins: number;
}

/** A shared store of about `target` exceptions in six snapshots, with a sparse origin to write to. */
export function makeShared(dir: string, target: number): SharedBench {
  let exceptions = 0;
  let origins = 0;
  while (exceptions < target) exceptions += PATTERN[origins++ % PATTERN.length]!.length;
  const chunkCount = FIRST_DATA + exceptions + 200_000;
  const cow = path.join(dir, `s${target}.cow`);
  const origin = path.join(dir, `s${target}.origin`);
  fs.writeFileSync(cow, '');
  fs.truncateSync(cow, chunkCount * CHUNK_BYTES);
  fs.writeFileSync(origin, '');
  fs.truncateSync(origin, (origins + 100_000) * CHUNK_BYTES);
  const device = FileDevice.open(cow, { write: true });
  const names = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  try {
    buildShared(
      device,
      {
        format: 'shared',
        chunkBytes: CHUNK_BYTES,
        chunkCount,
        valid: true,
        version: 1,
        snapmask: 0x3fn,
        snapshots: names.map((name, slot) => ({ slot, name, uuid: `00000000-0000-4000-8000-${String(slot).padStart(12, '0')}`, created: 1_704_067_200 + slot * 86_400 })),
      },
      {
        forEach(visit) {
          let chunk = FIRST_DATA;
          for (let o = 0; o < origins; o++) for (const mask of PATTERN[o % PATTERN.length]!) visit(o, chunk++, mask, 0);
        },
      },
    );
  } finally {
    device.close();
  }
  return { cow, origin, exceptions, chunkCount, dataOrigins: origins };
}
