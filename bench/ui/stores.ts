/** The stores `npm run bench:ui` opens: generated metadata-only (sparse files), as the e2e specs do. */
import fs from 'node:fs';
import path from 'node:path';
import { CHUNK_BYTES, firstDataChunk, writeMetadataStore } from '../../e2e/metadata-store.ts';

export { makeBigPersistent } from '../../e2e/big-persistent.ts';
export { makeManySnapshots } from '../../e2e/many-snapshots.ts';

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
  const first = firstDataChunk(exceptions + 200_000 + 4096);
  const chunkCount = first + exceptions + 200_000;
  const cow = path.join(dir, `s${target}.cow`);
  const origin = path.join(dir, `s${target}.origin`);
  fs.writeFileSync(origin, '');
  fs.truncateSync(origin, (origins + 100_000) * CHUNK_BYTES);
  writeMetadataStore(cow, chunkCount, ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'], 1_704_067_200, {
    forEach(visit) {
      let chunk = first;
      for (let o = 0; o < origins; o++) for (const mask of PATTERN[o % PATTERN.length]!) visit(o, chunk++, mask, 0);
    },
  });
  return { cow, origin, exceptions, chunkCount, dataOrigins: origins };
}
