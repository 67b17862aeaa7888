/**
 * Shared-store engine benchmarks, metadata only (no data copies: origin writes go through
 * `prepareOriginWrite` without an origin device), 4 KiB chunks. The COW is a sparse in-memory
 * device for the speed figures and a sparse file for the 10M-exception memory bound.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SnapscopeError } from '../src-core/errors.ts';
import type { BlockDevice } from '../src-core/io/block-device.ts';
import { SharedStore } from '../src-core/shared/index.ts';
import { FileDevice } from '../src-main/host/file-device.ts';

const CHUNK = 4096;

/** Holds only the chunks written; reads of others give zeros. Sized like a real COW. */
class SparseDevice implements BlockDevice {
  readonly name = 'sparse';
  readonly readOnly = false;
  private readonly chunks = new Map<number, Uint8Array>();
  constructor(readonly size: number) {}
  read(offset: number, dst: Uint8Array): void {
    for (let done = 0; done < dst.length; ) {
      const at = offset + done;
      const c = Math.floor(at / CHUNK);
      const within = at - c * CHUNK;
      const n = Math.min(CHUNK - within, dst.length - done);
      const src = this.chunks.get(c);
      if (src) dst.set(src.subarray(within, within + n), done);
      else dst.fill(0, done, done + n);
      done += n;
    }
  }
  write(offset: number, src: Uint8Array): void {
    if (offset + src.length > this.size) throw new SnapscopeError('io', 'past the end');
    for (let done = 0; done < src.length; ) {
      const at = offset + done;
      const c = Math.floor(at / CHUNK);
      const within = at - c * CHUNK;
      const n = Math.min(CHUNK - within, src.length - done);
      let block = this.chunks.get(c);
      if (!block) this.chunks.set(c, (block = new Uint8Array(CHUNK)));
      block.set(src.subarray(done, done + n), within);
      done += n;
    }
  }
  flush(): void {}
  close(): void {}
}

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en')}/s`;
/** CPU milliseconds of this process: on a shared, loaded machine a fairer figure than wall time. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** Runs `fn`; returns wall and CPU milliseconds. */
function timed(fn: () => void): { ms: number; cpu: number } {
  const t = performance.now();
  const c = cpuMs();
  fn();
  return { ms: performance.now() - t, cpu: cpuMs() - c };
}
const both = (n: number, t: { ms: number; cpu: number }) => `${rate(n, t.ms)} wall, ${rate(n, t.cpu)} CPU`;

/** xorshift: the same random origin chunks every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** 200k random origin writes across 8 snapshots (one more every 25k writes); commit every `every`. */
function originWrites(every: number): { exceptions: number; t: { ms: number; cpu: number } } {
  const store = SharedStore.format(new SparseDevice(CHUNK * 2 ** 20), { chunkBytes: CHUNK });
  const next = rng(42);
  let exceptions = 0;
  const t = timed(() => {
    for (let i = 0; i < 200_000; i++) {
      if (i % 25_000 === 0) store.createSnapshot({ name: `s${i / 25_000}` });
      if (store.prepareOriginWrite(next() % 1_000_000)) exceptions++;
      if ((i + 1) % every === 0) store.commit();
    }
    store.commit();
  });
  sample();
  return { exceptions, t };
}

export async function run(): Promise<void> {
  const batched = originWrites(1000);
  console.log(`origin writes, commit every 1000: ${batched.exceptions} exceptions: ${both(batched.exceptions, batched.t)} (target 500,000/s)`);
  const each = originWrites(1);
  console.log(`origin writes, commit every write: ${each.exceptions} exceptions: ${both(each.exceptions, each.t)} (target 100,000/s)`);

  // 1M exceptions of one snapshot, plus 7 more snapshots sharing some.
  const cow = new SparseDevice(CHUNK * 1_200_000);
  const store = SharedStore.format(cow, { chunkBytes: CHUNK });
  const victim = store.createSnapshot({ name: 'victim' });
  for (let c = 0; c < 1_000_000; c++) {
    store.prepareOriginWrite(c);
    if (c % 10_000 === 9_999) store.commit();
  }
  for (let k = 0; k < 7; k++) store.createSnapshot({ name: `other${k}` });
  for (let c = 0; c < 100_000; c += 3) store.prepareOriginWrite(c);
  store.close();
  sample();

  const t = performance.now();
  const opened = SharedStore.open(cow, { write: true });
  const openMs = performance.now() - t;
  console.log(`open of a store with ${opened.info().exceptions} exceptions (${opened.info().tree?.leaves} leaves): ${openMs.toFixed(1)} ms`);

  const next = rng(7);
  const LOOKUPS = 2_000_000;
  let hits = 0;
  const look = timed(() => {
    for (let i = 0; i < LOOKUPS; i++) if (opened.lookup(victim.slot, next() % 1_100_000) >= 0) hits++;
  });
  console.log(`lookups: ${LOOKUPS} (${hits} hits): ${both(LOOKUPS, look)} (target 2,000,000/s)`);

  const del = timed(() => {
    opened.deleteSnapshot(victim.slot);
    opened.commit();
  });
  console.log(`delete of a snapshot holding 1,000,000 exceptions + commit: ${del.ms.toFixed(0)} ms wall, ${del.cpu.toFixed(0)} ms CPU (target < 3000 ms)`);
  sample();
  opened.close();

  large(Number(process.env['SHARED_BENCH_LARGE'] ?? 10_000_000));
  console.log(`peak RSS ${mib(peakRss)}`);
}

/** `n` exceptions on a sparse file with the default 64 MiB block cache: memory must stay flat. */
function large(n: number): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-bench-'));
  const file = path.join(dir, 'shared.cow');
  try {
    fs.writeFileSync(file, '');
    fs.truncateSync(file, CHUNK * Math.ceil(n * 1.05 + 1000));
    const store = SharedStore.format(FileDevice.open(file, { write: true }), { chunkBytes: CHUNK });
    store.createSnapshot({ name: 'big' });
    const rssStart = process.memoryUsage().rss;
    let rssMax = rssStart;
    const t = performance.now();
    for (let c = 0; c < n; c++) {
      store.prepareOriginWrite(c);
      if (c % 100_000 === 99_999) {
        store.commit();
        rssMax = Math.max(rssMax, process.memoryUsage().rss);
      }
    }
    store.close();
    const ms = performance.now() - t;
    sample();
    const t2 = performance.now();
    const reopened = SharedStore.open(FileDevice.open(file));
    const openMs = performance.now() - t2;
    const leaves = reopened.info().tree?.leaves;
    reopened.close();
    console.log(
      `${n.toLocaleString('en')} exceptions on a sparse file: ${rate(n, ms)}, RSS ${mib(rssStart)} at start, ${mib(rssMax)} at most (block cache 64 MiB); reopen ${openMs.toFixed(0)} ms (${leaves} leaves)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
