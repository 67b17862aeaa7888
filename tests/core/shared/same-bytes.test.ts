/**
 * Speed work changes no on-disk result: a fixed workload (origin writes committed one by one and
 * in batches, snapshot writes, deletes that merge leaves and drop levels, a reopen) leaves the COW
 * with exactly the bytes recorded here, after every commit. Changing a digest below is a format or
 * allocation change and must be a deliberate, documented one. (Recorded on main before the speed
 * work of issue 17 and again after the crash-safety changes, which add commits; the speed work
 * changed neither. Recorded again when a commit with nothing to commit but the previous commit's
 * frees became a write of those bitmap sectors alone (no header, no generation, no flush): 101 of
 * the 1,604 commits are such, and the final image differs from before only in the header's
 * generation and checksum.)
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SECTOR_BYTES } from '../../../src-core/io/block-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { xorshift } from './xorshift.ts';

/** Remembers which sectors were written since the last `take` (however the writes were grouped). */
class SectorLog extends MemoryDevice {
  private written = new Set<number>();
  override write(offset: number, src: Uint8Array): void {
    super.write(offset, src);
    for (let s = Math.floor(offset / SECTOR_BYTES); s * SECTOR_BYTES < offset + src.length; s++) this.written.add(s);
  }
  /** The sectors written since the last call, in order, with their contents now. */
  take(hash: ReturnType<typeof createHash>): void {
    for (const s of [...this.written].sort((a, b) => a - b)) hash.update(`${s}:`).update(this.bytes.subarray(s * SECTOR_BYTES, (s + 1) * SECTOR_BYTES));
    this.written.clear();
  }
}

/** Digest of the sectors each commit wrote (number and contents at the commit point), chained; and of the final image. */
function runWorkload(chunkBytes: number, chunks: number, writes: number): { commits: string; image: string; count: number } {
  const cow = new SectorLog(chunkBytes * chunks, 'cow');
  const origin = new MemoryDevice(chunkBytes * 4096, 'origin');
  const chain = createHash('sha256');
  let count = 0;
  const events = (e: { type: string }) => {
    if (e.type !== 'commit') return;
    cow.take(chain);
    count++;
  };
  let store = SharedStore.format(cow, { chunkBytes, events });
  const next = xorshift(12345);
  const data = new Uint8Array(100);
  for (let i = 0; i < writes; i++) {
    if (i % (writes >> 3) === 0) store.createSnapshot({ name: `s${i}`, uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, created: 1_700_000_000 + i });
    const x = next();
    const chunk = x % 4096;
    if (x % 17 === 0) {
      data.fill(i & 0xff);
      const slots = store.snapshots().map((s) => s.slot);
      store.writeSnapshot(origin, slots[(x >>> 8) % slots.length]!, chunk, data, (x >>> 4) % (chunkBytes - 100));
    } else {
      store.prepareOriginWrite(chunk, origin);
    }
    // Runs of commits after each write, then batches.
    if (i % 400 < 100 || i % 50 === 0) store.commit();
    if (i === writes >> 1) {
      store.close();
      store = SharedStore.open(cow, { write: true, events });
    }
    if (i === (writes * 3) >> 2) store.deleteSnapshot(store.snapshots()[1]!.slot);
  }
  store.deleteSnapshot(store.snapshots()[0]!.slot);
  store.close();
  cow.take(chain);
  return { commits: chain.digest('hex'), image: createHash('sha256').update(cow.bytes).digest('hex'), count };
}

describe('the same operations write the same bytes', () => {
  it('512-byte chunks (a deep tree, splits and merges)', () => {
    expect(runWorkload(512, 16384, 6000)).toEqual({
      commits: '52b6f2b7c0e548a5e5a2a3e47389cddf418764c5e5d774ae47e69fb2d9e4a51b',
      image: '6caa725265bcd7b48df2e44e9f5919d6f83c073315b9ae0e669778df1a0e71eb',
      count: 1503,
    });
  });
  it('4 KiB chunks', () => {
    expect(runWorkload(4096, 8192, 6000)).toEqual({
      commits: 'd1d67c05015b4bb59a4de0cfb6430dec556370c9d18611a19bc24e93d5299c02',
      image: '67e02689c7cbc46dba7f7e53c72dbb7a28ebdb6c32f3af80b95aa70b789e0328',
      count: 1503,
    });
  });
});
