/**
 * A snapshot delete (and a merge's clearSlot) runs one way when something listens to the store's
 * events and a faster way when nothing does. Both must leave the same bytes and counts, and the
 * events a listener hears must not change: their stream is pinned here as a digest, recorded
 * before the delete's fast path was written (like same-bytes.test.ts pins the bytes).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventSink } from '../../../src-core/events.ts';
import { SECTOR_BYTES } from '../../../src-core/io/block-device.ts';
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import { SharedStore } from '../../../src-core/shared/index.ts';
import { xorshift } from './xorshift.ts';

/** Digests, at each flush, the sectors written since the previous one (a commit's steps, without listening to events). */
class FlushLog extends MemoryDevice {
  private written = new Set<number>();
  readonly chain = createHash('sha256');
  override write(offset: number, src: Uint8Array): void {
    super.write(offset, src);
    for (let s = Math.floor(offset / SECTOR_BYTES); s * SECTOR_BYTES < offset + src.length; s++) this.written.add(s);
  }
  override flush(): void {
    for (const s of [...this.written].sort((a, b) => a - b)) this.chain.update(`${s}:`).update(this.bytes.subarray(s * SECTOR_BYTES, (s + 1) * SECTOR_BYTES));
    this.chain.update('|');
    this.written.clear();
  }
}

interface Run {
  /** Digest of every event, in order (empty without a listener). */
  events: string;
  flushes: string;
  image: string;
  /** `info()` after each delete and clear. */
  counts: string[];
  /** How many events of each kind were heard. */
  kinds: Record<string, number>;
}

/**
 * Origin writes under up to eight snapshots (so exceptions are shared by several), deletes of
 * snapshots old and new (unsharing, freeing, merging leaves and nodes, dropping levels), and
 * clearSlot over origin ranges, on 512-byte chunks (a deep tree).
 */
function runWorkload(listen: boolean): Run {
  const CHUNK = 512;
  const cow = new FlushLog(CHUNK * 16384, 'cow');
  const origin = new MemoryDevice(CHUNK * 3000, 'origin');
  const hash = createHash('sha256');
  const kinds: Record<string, number> = {};
  const events: EventSink | undefined = listen
    ? (e) => {
        kinds[e.type] = (kinds[e.type] ?? 0) + 1;
        hash.update(JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
      }
    : undefined;
  let store = SharedStore.format(cow, { chunkBytes: CHUNK, ...(events && { events }) });
  const counts: string[] = [];
  const record = () => counts.push(JSON.stringify(store.info().snapshots.map((s) => [s.slot, s.exceptions, s.unique, s.shared])));
  const next = xorshift(4242);
  let made = 0;
  let newest = -1;
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 700; i++) {
      if (i % 150 === 0 && store.snapshots().length < 8) newest = store.createSnapshot({ name: `s${made}`, uuid: `00000000-0000-4000-8000-${String(made).padStart(12, '0')}`, created: 1_700_000_000 + made++ }).slot;
      store.prepareOriginWrite(next() % 3000, origin);
      if (i % 97 === 0 && (round !== 4 || i < 350)) store.commit();
    }
    if (round !== 4) store.commit();
    const snaps = store.snapshots();
    if (round % 2 === 1) {
      const from = next() % 1500;
      store.clearSlot(snaps[next() % snaps.length]!.slot, from, from + 1 + (next() % 1500));
      record();
    }
    // Round 4's delete frees the exceptions only the newest snapshot reads, some not yet committed.
    store.deleteSnapshot(round === 4 ? newest : snaps[next() % snaps.length]!.slot);
    record();
    // Deletes durable in the next commit, or left for after a reopen's commit.
    if (round === 2) {
      store.close();
      store = SharedStore.open(cow, { write: true, ...(events && { events }) });
    } else store.commit();
  }
  for (const s of store.snapshots()) {
    store.deleteSnapshot(s.slot);
    record();
  }
  store.close();
  return { events: listen ? hash.digest('hex') : '', kinds, flushes: cow.chain.digest('hex'), image: createHash('sha256').update(cow.bytes).digest('hex'), counts };
}

describe('snapshot delete with and without listeners', () => {
  it('hears the same events as before, and without listeners writes the same bytes and keeps the same counts', () => {
    const heard = runWorkload(true);
    const quiet = runWorkload(false);
    // The workload reaches every change a delete makes.
    for (const kind of ['exception-unshare', 'exception-free', 'leaf-merge', 'node-merge', 'level-drop']) expect(heard.kinds[kind] ?? 0, kind).toBeGreaterThan(0);
    expect(heard.events).toBe('dba978f1a5204be574403f9b004ef79e5e8b092c6c4814ef59f63b8bf134b48e');
    expect({ ...quiet, events: heard.events, kinds: heard.kinds }).toEqual(heard);
  });
});
