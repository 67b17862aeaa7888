/**
 * Shared-store engine benchmarks, metadata only (no data copies: origin writes go through
 * `prepareOriginWrite` without an origin device), 4 KiB chunks — the workload: 8
 * snapshots, 200k random origin writes, in memory. The COW is an in-memory device, pre-faulted
 * like a RAM disk (first-touch page faults would otherwise be most of the time, and they are the
 * kernel's cost, not the engine's); the 1M-exception store is sparse in memory, the large store a
 * sparse file in its own process. Speed runs go 3 times: median and best, wall and CPU.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MemoryDevice } from '../src-core/io/memory-device.ts';
import { SharedStore } from '../src-core/shared/index.ts';
import { SparseDevice } from './sparse-device.ts';
import { both, mib, rate, rng, timed, type Timing } from './timing.ts';

const CHUNK = 4096;
const RUNS = 3;
const WRITES = 200_000;
const ORIGIN_CHUNKS = 1_000_000;
const LOOKUPS = 2_000_000;

/** Median and best of `RUNS` timings of `n` operations each. */
function summary(n: number, runs: Timing[]): string {
  const by = (k: keyof Timing) => runs.map((r) => r[k]).sort((a, b) => a - b);
  const wall = by('ms');
  const cpu = by('cpu');
  const mid = RUNS >> 1;
  return `median ${rate(n, wall[mid]!)} wall, ${rate(n, cpu[mid]!)} CPU; best ${rate(n, wall[0]!)} wall, ${rate(n, cpu[0]!)} CPU`;
}

/** 200k random origin writes across 8 snapshots (one more every 25k writes), a commit every `every`. */
function originWrites(cow: MemoryDevice, every: number): { store: SharedStore; exceptions: number; t: Timing } {
  const store = SharedStore.format(cow, { chunkBytes: CHUNK });
  const next = rng(42);
  let exceptions = 0;
  const t = timed(() => {
    for (let i = 0; i < WRITES; i++) {
      if (i % 25_000 === 0) store.createSnapshot({ name: `s${i / 25_000}` });
      if (store.prepareOriginWrite(next() % ORIGIN_CHUNKS)) exceptions++;
      if ((i + 1) % every === 0) store.commit();
    }
    store.commit();
  });
  return { store, exceptions, t };
}

/** Random (snapshot, origin chunk) lookups over the 8 snapshots of the origin-write store. */
function lookups(store: SharedStore, slots: number, origins: number): { hits: number; t: Timing } {
  const next = rng(7);
  let hits = 0;
  const t = timed(() => {
    for (let i = 0; i < LOOKUPS; i++) {
      const x = next();
      if (store.lookup(x % slots, (x >>> 3) % origins) >= 0) hits++;
    }
  });
  return { hits, t };
}

export async function run(): Promise<void> {
  // 256k chunks hold the 200k exceptions and the metadata; written once so the pages exist.
  const cow = new MemoryDevice(CHUNK * 2 ** 18, 'ram');
  cow.bytes.fill(0);
  for (const every of [1000, 1]) {
    const runs: Timing[] = [];
    const looks: Timing[] = [];
    let exceptions = 0;
    let hits = 0;
    for (let r = 0; r < RUNS; r++) {
      const w = originWrites(cow, every);
      exceptions = w.exceptions;
      runs.push(w.t);
      if (every === 1000) {
        const l = lookups(w.store, 8, ORIGIN_CHUNKS);
        hits = l.hits;
        looks.push(l.t);
      }
    }
    const target = every === 1 ? '100,000/s' : '500,000/s';
    console.log(`origin writes, commit every ${every === 1 ? 'write' : every}: ${exceptions} exceptions: ${summary(exceptions, runs)} (target ${target})`);
    if (looks.length) console.log(`lookups in that store: ${LOOKUPS} (${hits} hits): ${summary(LOOKUPS, looks)} (target 2,000,000/s)`);
  }

  // 1M exceptions of one snapshot, plus 7 more snapshots sharing some.
  const big = new SparseDevice(CHUNK * 1_200_000, CHUNK);
  const store = SharedStore.format(big, { chunkBytes: CHUNK });
  const victim = store.createSnapshot({ name: 'victim' });
  for (let c = 0; c < 1_000_000; c++) {
    store.prepareOriginWrite(c);
    if (c % 10_000 === 9_999) store.commit();
  }
  for (let k = 0; k < 7; k++) store.createSnapshot({ name: `other${k}` });
  for (let c = 0; c < 100_000; c += 3) store.prepareOriginWrite(c);
  store.close();

  const t = performance.now();
  const opened = SharedStore.open(big, { write: true });
  const openMs = performance.now() - t;
  console.log(`open of a store with ${opened.info().exceptions} exceptions (${opened.info().tree?.leaves} leaves): ${openMs.toFixed(1)} ms`);
  const look = lookups(opened, 1, 1_100_000);
  console.log(`lookups in it (48 MiB of leaves, beyond the CPU caches): ${LOOKUPS} (${look.hits} hits): ${both(LOOKUPS, look.t)}`);
  const del = timed(() => {
    opened.deleteSnapshot(victim.slot);
    opened.commit();
  });
  console.log(`delete of a snapshot holding 1,000,000 exceptions + commit: ${del.ms.toFixed(0)} ms wall, ${del.cpu.toFixed(0)} ms CPU (target < 3000 ms)`);
  opened.close();
  console.log(`peak RSS of this process ${mib(process.resourceUsage().maxRSS * 1024)} (the 1 GiB in-memory COW included)`);

  large(Number(process.env['SHARED_BENCH_LARGE'] ?? 1_000_000));
}

/** The bounded-memory check (bench/shared-large.ts) in a fresh process, so its RSS is its own. */
function large(n: number): void {
  const script = fileURLToPath(new URL('./shared-large.ts', import.meta.url));
  const out = execFileSync(process.execPath, [...process.execArgv, script, String(n)], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
    exceptions: number;
    leaves: number;
    ms: number;
    cpu: number;
    rssStart: number;
    rssMax: number;
    peakRss: number;
    reopenMs: number;
  };
  console.log(
    `${r.exceptions.toLocaleString('en')} exceptions on a sparse file (64 MiB block cache; SHARED_BENCH_LARGE sets the count): ` +
      `${both(n, { ms: r.ms, cpu: r.cpu })}; RSS ${mib(r.rssStart)} at start, ${mib(r.rssMax)} at most, peak ${mib(r.peakRss)}; ` +
      `reopen ${r.reopenMs.toFixed(0)} ms (${r.leaves} leaves)`,
  );
}
