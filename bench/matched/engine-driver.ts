/**
 * snapscope's side of the matched benchmarks: the same modes, arguments and workload files as the
 * seed's `matched-bench.c`, run in a process of its own, printing one JSON line in the same shape.
 *   engine-driver writes <IMAGE|-m> <NR_CHUNKS> <EVERY> <DATADIR> [GROUP]
 *     (EVERY=1 with GROUP: each write asks for a commit, one commit per GROUP requests; see
 *     SharedStore.requestCommit)
 *   engine-driver delete -m
 *   engine-driver seq <IMAGE> <N> [RANGE] [GROUP] (LOOKUPS=n: then n random lookups after a reopen)
 * Like the seed, nothing here flushes to the disk: a file image goes through NoFlushDevice (the seed
 * never fsyncs), so both sides write the same metadata to the page cache.
 */
import fs from 'node:fs';
import { ForwardingDevice } from '../../src-core/io/forwarding-device.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { SparseDevice } from '../sparse-device.ts';
import { cpuMs } from '../timing.ts';
import { percentiles, xorshiftFrom } from './workload.ts';

const CHUNK = 4096;

/** fsync skipped: the seed never flushes, so neither side pays for the disk. */
class NoFlushDevice extends ForwardingDevice {
  override flush(): void {}
  writev(offset: number, parts: readonly Uint8Array[]): void {
    (this.inner as FileDevice).writev(offset, parts);
  }
}

function device(image: string, chunks: number, create: boolean): BlockDevice {
  if (image === '-m') {
    const mem = new MemoryDevice(chunks * CHUNK, 'ram');
    mem.bytes.fill(0); // pre-faulted, like matched-bench's `prefault`
    return mem;
  }
  if (create) {
    fs.writeFileSync(image, '');
    fs.truncateSync(image, chunks * CHUNK);
  }
  return new NoFlushDevice(FileDevice.open(image, { write: true }));
}

const u32s = (file: string): Uint32Array => {
  const b = fs.readFileSync(file);
  return new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2);
};

const maxRss = (): number => process.resourceUsage().maxRSS * 1024;

function clock(): { wall: () => number; cpu: () => number } {
  const t = performance.now();
  const c = cpuMs();
  return { wall: () => (performance.now() - t) / 1000, cpu: () => (cpuMs() - c) / 1000 };
}

function writes(image: string, nrChunks: number, every: number, dir: string, group: number): object {
  const w = u32s(`${dir}/writes.bin`);
  const l = u32s(`${dir}/lookups.bin`);
  const nl = l.length >>> 1;
  const store = SharedStore.format(device(image, nrChunks, true), { chunkBytes: CHUNK });
  const per = Math.floor(w.length / 8);
  let created = 0;
  let exceptions = 0;
  const tw = clock();
  for (let i = 0; i < w.length; i++) {
    if (created < 8 && i >= created * per) {
      store.createSnapshot({ name: `s${created++}` });
    }
    if (store.prepareOriginWrite(w[i]!)) {
      exceptions++;
      if (every === 1) {
        if (group > 1) store.requestCommit(group);
        else store.commit();
      }
    }
    if (every > 1 && (i + 1) % every === 0) store.commit();
  }
  store.commit();
  const writeS = tw.wall();
  const writeCpuS = tw.cpu();
  let hits = 0;
  const tl = clock();
  for (let i = 0; i < nl; i++) if (store.lookup(l[2 * i]!, l[2 * i + 1]!) >= 0) hits++;
  const lookupS = tl.wall();
  const lookupCpuS = tl.cpu();
  const levels = store.levels;
  store.close();
  return {
    engine: 'snapscope',
    mode: 'writes',
    backend: image === '-m' ? 'mem-prefault' : 'file',
    every,
    group,
    exceptions,
    writeS,
    writeCpuS,
    excPerS: exceptions / writeS,
    excPerCpuS: exceptions / writeCpuS,
    tree_level: levels,
    lookups: nl,
    hits,
    lookupS,
    lookPerS: nl / lookupS,
    lookPerCpuS: nl / lookupCpuS,
    maxRss: maxRss(),
  };
}

/**
 * matched-bench.c's delete: 1M exceptions of snapshot 0, 7 more snapshots sharing 33,334; reopen;
 * delete 0 + commit (timed). The build commits every 1,000 writes, not after each as the seed does:
 * shadowing would move the leaf across the whole sparse device, holding 4 GiB of written chunks.
 */
function del(): object {
  const dev = new SparseDevice(1_200_000 * CHUNK, CHUNK);
  const store = SharedStore.format(dev, { chunkBytes: CHUNK });
  const victim = store.createSnapshot({ name: 'victim' }).slot;
  for (let c = 0; c < 1_000_000; c++) if (store.prepareOriginWrite(c) && c % 1000 === 999) store.commit();
  for (let k = 1; k < 8; k++) store.createSnapshot({ name: `s${k}` });
  for (let c = 0; c < 100_000; c += 3) if (store.prepareOriginWrite(c) && c % 999 === 0) store.commit();
  store.close();
  const to = clock();
  const opened = SharedStore.open(dev, { write: true });
  const openS = to.wall();
  const td = clock();
  opened.deleteSnapshot(victim);
  opened.commit();
  const deleteS = td.wall();
  const deleteCpuS = td.cpu();
  const levels = opened.levels;
  opened.close();
  return { engine: 'snapscope', mode: 'delete', backend: 'mem', openS, deleteS, deleteCpuS, tree_level: levels, maxRss: maxRss() };
}

/** matched-bench.c's seq: origin writes (in order, or xorshift mod RANGE) until N exceptions, commit after each. */
function seq(image: string, n: number, range: number, group: number): object {
  const chunks = Math.floor(n * 1.05 + 1000);
  const store = SharedStore.format(device(image, chunks, true), { chunkBytes: CHUNK });
  store.createSnapshot({ name: 's0' });
  const next = xorshiftFrom(2463534242);
  let exceptions = 0;
  const t = clock();
  for (let i = 0; exceptions < n; i++) {
    const o = range ? next() % range : i;
    if (store.prepareOriginWrite(o)) {
      exceptions++;
      if (group > 1) store.requestCommit(group);
      else store.commit();
    }
  }
  store.commit();
  const s = t.wall();
  const c = t.cpu();
  const out: Record<string, unknown> = {
    engine: 'snapscope',
    mode: 'seq',
    n,
    range,
    group,
    excPerS: n / s,
    excPerCpuS: n / c,
    s,
    tree_level: store.levels,
    buildMaxRssMiB: Math.round(maxRss() / 2 ** 20),
  };
  store.close();
  const lookups = Number(process.env['LOOKUPS'] ?? 0);
  if (lookups > 0) {
    const opened = SharedStore.open(device(image, chunks, false));
    const span = range || Math.floor(n * 1.1 + 0.5);
    const y = xorshiftFrom(7);
    const origins = new Uint32Array(lookups);
    for (let i = 0; i < lookups; i++) origins[i] = y() % span;
    let hits = 0;
    const tl = clock();
    for (let i = 0; i < lookups; i++) if (opened.lookup(0, origins[i]!) >= 0) hits++;
    const ls = tl.wall();
    const lc = tl.cpu();
    const rssAfter = process.memoryUsage().rss;
    const m = Math.min(lookups, 1_000_000);
    const d = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const a = process.hrtime.bigint();
      opened.lookup(0, origins[i]!);
      d[i] = Number(process.hrtime.bigint() - a);
    }
    out['look'] = { lookups, hits, lookPerS: lookups / ls, lookPerCpuS: lookups / lc, ...percentiles(d), rssAfterMiB: Math.round(rssAfter / 2 ** 20) };
    opened.close();
  }
  out['maxRssMiB'] = Math.round(maxRss() / 2 ** 20);
  return out;
}

const [mode, ...args] = process.argv.slice(2);
let result: object;
if (mode === 'writes') result = writes(args[0]!, Number(args[1]), Number(args[2]), args[3]!, Number(args[4] ?? 0));
else if (mode === 'delete') result = del();
else if (mode === 'seq') result = seq(args[0]!, Number(args[1]), Number(args[2] ?? 0), Number(args[3] ?? 0));
else throw new Error(`engine-driver: unknown mode ${mode}`);
console.log(JSON.stringify(result));
