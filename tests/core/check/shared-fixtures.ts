/**
 * Shared stores built by the engine, for damage tests. docs/check.md ("Damaged fixtures") says how
 * each damaged store is made from these; the recipes in the tests are the reference.
 */
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';

export const S_CHUNK = 512;

export interface SharedFixture {
  cow: MemoryDevice;
  origin: MemoryDevice;
}

/**
 * `snaps` snapshots; origin chunks 0..writes-1 written after each snapshot is created, so early
 * chunks gather one exception per snapshot generation. 512-byte chunks make a deep tree quickly.
 */
export function sharedCow(snaps: number, writes: number, chunks = 4096, chunkBytes = S_CHUNK): SharedFixture {
  const cow = new MemoryDevice(chunks * chunkBytes, 'cow');
  const origin = new MemoryDevice(65536 * chunkBytes, 'origin');
  const store = SharedStore.format(cow, { chunkBytes });
  for (let s = 0; s < snaps; s++) {
    store.createSnapshot({ name: `snap${s}` });
    for (let c = 0; c < writes; c++) store.writeOrigin(origin, c * 3, new Uint8Array(chunkBytes).fill(s + 1));
    store.commit();
  }
  store.close();
  return { cow, origin };
}
