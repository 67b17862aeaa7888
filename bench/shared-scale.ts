/**
 * The shared store past its cache, against the seed's C code in the same run (interleaved, each
 * side a fresh process, medians):
 *  - random inserts into a store already holding SNAPSCOPE_BENCH_GROWN exceptions (default 3M: its
 *    tree is larger than the 64 MiB cache). The store is built untimed (snapscope: one commit per
 *    256 requests; the seed: its commit after each), then SNAPSCOPE_BENCH_GROWN_TIMED (default 200k)
 *    more random inserts are timed: snapscope with a commit after each, and grouped by 256; the seed
 *    with its commit after each (its only mode; it never flushes and writes in place).
 *  - scaling: at each size of SNAPSCOPE_BENCH_SCALE (default 100000,1000000; add 10000000 for 10M)
 *    sequential origin writes build the store (inserts/s: snapscope grouped by 256, the seed commit
 *    after each), then 1M random lookups after a reopen (the seed: 20k from 1M exceptions on, see
 *    seedLookups): lookups/s, p50/p99 latency, RSS after them.
 * SNAPSCOPE_BENCH_GROWN=0 skips the random inserts.
 * Images are sparse files on tmpfs (/dev/shm) when it is there, else in the temporary directory
 * (the output says which): on the root ext4 of the bench machine, unlinking a multi-GB image with
 * scattered blocks took minutes of synchronous discards. Neither side fsyncs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleDrivers, type DriverName } from './engine-bundle.ts';
import { buildSeedref } from './matched/seedref.ts';
import { interleave, jsonLine, loadavg, median, medianOf, type Figure, type Side } from './matched/rounds.ts';

const GROUP = 256;
const here = import.meta.dirname;
const k = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);
const num = (v: unknown): number => Number(v);

/**
 * The seed searches its buffer list linearly and trims it only at commit, so a lookup phase slows as
 * it goes (1M lookups on a 1M store took about 200 s here): fewer of them from 1M exceptions on.
 */
const seedLookups = (n: number): number => (n >= 1_000_000 ? 20_000 : 1_000_000);

/** A directory for images: tmpfs when there is one. */
function imageDir(): { dir: string; where: string } {
  const shm = '/dev/shm';
  try {
    fs.accessSync(shm, fs.constants.W_OK);
    return { dir: fs.mkdtempSync(path.join(shm, 'snapscope-scale-')), where: 'sparse files on tmpfs (/dev/shm)' };
  } catch {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-scale-'));
    return { dir, where: `sparse files in ${dir} (no tmpfs)` };
  }
}

/** seed-grown.c built beside matched-bench (it includes seedref.c); null with the reason printed. */
function buildSeedGrown(work: string): { grown: string; matched: string } | null {
  const seed = buildSeedref(work);
  if (!('binary' in seed)) {
    console.log(`seed side skipped: ${seed.missing}`);
    return null;
  }
  const dir = path.dirname(seed.binary);
  const grown = path.join(dir, 'seed-grown');
  try {
    execFileSync('gcc', ['-O2', '-std=gnu11', '-w', `-I${dir}`, '-o', grown, path.join(here, 'matched/seed-grown.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    console.log(`seed side skipped: could not build bench/matched/seed-grown.c against ${dir}: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
  return { grown, matched: seed.binary };
}

export async function run(): Promise<void> {
  const rounds = Number(process.env['SNAPSCOPE_BENCH_ROUNDS'] ?? 3);
  const grownN = Number(process.env['SNAPSCOPE_BENCH_GROWN'] ?? 3_000_000);
  const timedN = Number(process.env['SNAPSCOPE_BENCH_GROWN_TIMED'] ?? 200_000);
  const sizes = (process.env['SNAPSCOPE_BENCH_SCALE'] ?? '100000,1000000').split(',').map(Number).filter((n) => n > 0);
  const { dir, where } = imageDir();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-scale-build-'));
  let runs = 0;
  // A fresh image per run, removed after it.
  const once = (cmd: string, args: (img: string) => string[], env?: Record<string, string>) => {
    const img = path.join(dir, `cow-${runs++}.img`);
    try {
      return jsonLine(cmd, args(img), env);
    } finally {
      fs.rmSync(img, { force: true });
    }
  };
  try {
    const seed = buildSeedGrown(work);
    const drivers = await bundleDrivers(work);
    const node: Node = (driver, args, mode = []) => (img) => [...drivers.argv(driver), ...mode, img, ...args];
    console.log(`${rounds} rounds interleaved, images: ${where}, load average at start ${loadavg()}; ${drivers.how}`);

    if (grownN > 0) grown(grownN, timedN, rounds, once, node, seed);

    console.log(`\nscaling: sequential origin writes build the store (snapscope one commit per ${GROUP} requests, the seed a commit after each), then 1M random lookups after a reopen`);
    console.log('| exceptions | engine | inserts/s | lookups/s | lookup p50 / p99 | RSS after lookups | peak RSS |');
    console.log('|---|---|---|---|---|---|---|');
    for (const n of sizes) {
      const js: Record<string, Record<string, unknown>[]> = { snapscope: [], seed: [] };
      const env = { LOOKUPS: '1000000' };
      for (let r = 0; r < rounds; r++) {
        js['snapscope']!.push(once(process.execPath, node('engine', [String(n), '0', String(GROUP)], ['seq']), env));
        if (seed) js['seed']!.push(once(seed.matched, (img) => ['seq', img, String(n)], { LOOKUPS: String(seedLookups(n)) }));
      }
      if (seed && seedLookups(n) < 1_000_000) console.log(`| ${k(n)} | (the seed's lookups: ${k(seedLookups(n))}) | | | | | |`);
      for (const [engine, rs] of Object.entries(js)) {
        if (!rs.length) continue;
        const look = (f: string) => median(rs.map((j) => num((j['look'] as Record<string, unknown>)[f])));
        const rss = engine === 'snapscope' ? `${look('rssAfterMiB')} MiB` : '—';
        console.log(`| ${k(n)} | ${engine} | ${k(median(rs.map((j) => num(j['excPerS']))))}/s | ${k(look('lookPerS'))}/s | ${look('p50')} / ${look('p99')} ns | ${rss} | ${median(rs.map((j) => num(j['maxRssMiB'])))} MiB |`);
      }
    }
    console.log(`load average at end ${loadavg()}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}

type Once = (cmd: string, args: (img: string) => string[], env?: Record<string, string>) => Record<string, unknown>;
type Node = (driver: DriverName, args: string[], mode?: string[]) => (img: string) => string[];

function grown(grownN: number, timedN: number, rounds: number, once: Once, node: Node, seed: { grown: string } | null): void {
  const range = String(4 * (grownN + timedN));
  console.log(`\nrandom inserts into a store of ${k(grownN)} exceptions (built untimed; then ${k(timedN)} timed inserts)`);
  console.log('| measure | snapscope | seed (C), commit after each | snapscope / seed |');
  console.log('|---|---|---|---|');
  const pick = (j: Record<string, unknown>): Figure => ({ wall: num(j['excPerS']), cpu: num(j['excPerCpuS']) });
  const io: string[] = [];
  for (const group of [1, GROUP]) {
    const ios: [number, number][] = [];
    const ours = () => {
      const j = once(process.execPath, node('grown', [String(grownN), String(timedN), range, String(GROUP), String(group)]));
      ios.push([num(j['readsPerInsert']), num(j['writesPerInsert'])]);
      return pick(j);
    };
    const A: Side = { name: 'snapscope', run: ours };
    const B: Side | null = seed ? { name: 'seed', run: () => pick(once(seed.grown, (img) => [img, String(grownN), String(timedN), range])) } : null;
    const got = interleave(rounds, A, B);
    const a = medianOf(got.a);
    const b = got.b.length ? medianOf(got.b) : null;
    const mode = group === 1 ? 'commit after each' : `a commit asked for after each, one per ${GROUP}`;
    const ratio = b ? `${(a.wall / b.wall).toFixed(2)}× (CPU ${(a.cpu / b.cpu).toFixed(2)}×)` : '—';
    console.log(`| snapscope ${mode} | ${k(a.wall)}/s (CPU ${k(a.cpu)}/s) | ${b ? `${k(b.wall)}/s (CPU ${k(b.cpu)}/s)` : 'skipped'} | ${ratio} |`);
    io.push(`${mode}: ${median(ios.map((x) => x[0])).toFixed(2)} block reads, ${median(ios.map((x) => x[1])).toFixed(2)} write requests`);
  }
  console.log(`snapscope per timed insert (medians): ${io.join('; ')}`);
}
