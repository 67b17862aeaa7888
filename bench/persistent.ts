/**
 * Persistent-store benchmarks, each against its floor in the same run, interleaved per round:
 * open of a COW of 2M exceptions (32 MiB of metadata, sparse file) against reading the same
 * metadata areas, warm (page cache) and cold (the file's cache dropped first); check of 5M
 * exceptions against reading its areas (SNAPSCOPE_BENCH_CHECK_N sets the count); and a merge of 1 GiB
 * of exceptions into a file origin and onto loop devices against `cp` + `sync` and `dd` (O_DIRECT,
 * fsync) of the same bytes onto the same kind (mergeRows, timed as merge-rounds.ts says).
 * SNAPSCOPE_BENCH_ROUNDS sets the rounds (default 3); SNAPSCOPE_BENCH_SKIP_OPEN=1 runs the merges alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkTask } from '../src-core/check/check.ts';
import { runToEnd } from '../src-core/jobs/job.ts';
import { ENTRY_BYTES, Geometry, writeLe64 } from '../src-core/persistent/format.ts';
import { PersistentStore } from '../src-core/persistent/index.ts';
import { FileDevice } from '../src-main/host/file-device.ts';
import { mergeTask } from '../src-main/host/merges.ts';
import { cpAndSync, ddDirect, dropCache, seconds } from './floors.ts';
import { loadavg, median, medianOf, type Figure } from './matched/rounds.ts';
import { mergePlaces, mibs, ratios, roundList, timeRounds, type Tool } from './merge-rounds.ts';

const CHUNK = 4096;
const MiB = 1 << 20;

/**
 * Writes a COW as the kernel would after `exceptions` origin writes, to every `originStep`-th
 * chunk in turn: areas full of entries old = i × originStep, new = the i-th allocated chunk.
 * With `withData`, data chunks hold bytes.
 */
export function writeCow(file: string, exceptions: number, withData: boolean, originStep = 1): void {
  const geo = new Geometry(CHUNK / 512);
  const epa = geo.exceptionsPerArea;
  const areas = Math.ceil(exceptions / epa) + (exceptions % epa === 0 ? 1 : 0);
  const chunks = geo.areaLocation(areas - 1) + 1 + epa;
  const fd = fs.openSync(file, 'w');
  fs.ftruncateSync(fd, chunks * CHUNK);
  const header = new Uint8Array(512);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, 0x70416e53, true);
  hv.setUint32(4, 1, true);
  hv.setUint32(8, 1, true);
  hv.setUint32(12, CHUNK / 512, true);
  fs.writeSync(fd, header, 0, 512, 0);
  const area = new Uint8Array(CHUNK);
  const av = new DataView(area.buffer);
  const data = new Uint8Array(epa * CHUNK);
  for (let a = 0; a < areas; a++) {
    area.fill(0);
    const first = a * epa;
    const n = Math.max(0, Math.min(epa, exceptions - first));
    for (let j = 0; j < n; j++) {
      writeLe64(av, j * ENTRY_BYTES, (first + j) * originStep);
      writeLe64(av, j * ENTRY_BYTES + 8, geo.areaLocation(a) + 1 + j);
    }
    fs.writeSync(fd, area, 0, CHUNK, geo.areaLocation(a) * CHUNK);
    if (withData && n > 0) {
      data.fill(1 + (a % 255));
      fs.writeSync(fd, data, 0, n * CHUNK, (geo.areaLocation(a) + 1) * CHUNK);
    }
  }
  fs.closeSync(fd);
}

/** Reads every metadata area of `file` in table order, one read each, as a plain program would. */
export function readAreas(file: string, exceptions: number): void {
  const geo = new Geometry(CHUNK / 512);
  const areas = Math.floor(exceptions / geo.exceptionsPerArea) + 1;
  const fd = fs.openSync(file, 'r');
  const buf = new Uint8Array(CHUNK);
  for (let a = 0; a < areas; a++) fs.readSync(fd, buf, 0, CHUNK, geo.areaLocation(a) * CHUNK);
  fs.closeSync(fd);
}

/** Spot-checks that origin chunk i holds area (i / epa)'s fill byte, as writeCow wrote it. */
function verifyMerged(originFile: string, chunks: number): void {
  const fd = fs.openSync(originFile, 'r');
  const byte = new Uint8Array(1);
  for (let i = 0; i < chunks; i += 4099) {
    fs.readSync(fd, byte, 0, 1, i * CHUNK + 17);
    if (byte[0] !== 1 + (Math.floor(i / (CHUNK / ENTRY_BYTES)) % 255)) throw new Error(`merge bench: origin chunk ${i} was not merged`);
  }
  fs.closeSync(fd);
}

const ms = (f: Figure): string => `${(f.wall * 1000).toFixed(1)} ms (CPU ${(f.cpu * 1000).toFixed(1)} ms)`;
const ratio = (a: Figure, b: Figure): string => `${(a.wall / b.wall).toFixed(2)}× (CPU ${(a.cpu / b.cpu).toFixed(2)}×)`;

/**
 * The merge of `mergeBytes` (SNAPSCOPE_BENCH_PMERGE_MIB, default 1 GiB) as the CLI runs it
 * (mergeTask, batches of about 250 ms), from a COW file onto each place of mergePlaces, against
 * `cp` + `sync` and `dd` (O_DIRECT, fsync) of the whole COW onto the same kind of target, timed
 * as merge-rounds.ts says. The merge's input is a fresh copy of the COW, synced before the merge
 * is timed: a COW's data is on disk before a merge, and its flushes would otherwise write the copy back.
 */
export function mergeRows(dir: string, rounds: number): void {
  const mergeBytes = Number(process.env['SNAPSCOPE_BENCH_PMERGE_MIB'] ?? 1024) * MiB;
  const cowFile = path.join(dir, 'cow.img');
  writeCow(cowFile, mergeBytes / CHUNK, true);
  const cowBytes = fs.statSync(cowFile).size;
  const loopBytes = Math.ceil(cowBytes / MiB) * MiB;
  const input = (round: number) => path.join(dir, `merge-input-${round}.img`);
  const tools: Tool[] = [
    { name: 'cp + sync', bytes: cowBytes, fileBytes: 0, run: (target) => cpAndSync(cowFile, target) },
    {
      name: 'merge',
      bytes: mergeBytes,
      fileBytes: mergeBytes,
      prepare: (round) => fs.copyFileSync(cowFile, input(round)),
      run: (target, round) => {
        const cow = FileDevice.open(input(round), { write: true });
        const origin = FileDevice.open(target, { write: true });
        runToEnd(mergeTask(PersistentStore.open(cow, { write: true }), origin, 0, undefined, undefined, 250));
        cow.close();
        origin.close();
      },
      check: (target) => verifyMerged(target, mergeBytes / CHUNK),
      cleanUp: (round) => fs.rmSync(input(round), { force: true }),
    },
    { name: 'dd', bytes: cowBytes, fileBytes: 0, run: (target) => ddDirect(cowFile, target) },
  ];
  const { places, skipped } = mergePlaces(dir, loopBytes);
  for (const line of skipped) console.log(`| ${line} | | | |`);
  console.log(
    `merges: ${rounds} rounds after a warm-up round, each tool once a round onto a fresh target, the order rotating, \`sync\` before each timed step; the merge moves ${mergeBytes / MiB} MiB, cp and dd copy the whole COW (${(cowBytes / MiB).toFixed(0)} MiB)`,
  );
  console.log('| merge, durable (median, then each round) | snapscope (and its CPU in this process, all threads, median) | cp + sync; dd O_DIRECT + fsync | merge / cp + sync: of medians, median per round; the same of dd |');
  console.log('|---|---|---|---|');
  for (const place of places) {
    const load = loadavg();
    const r = timeRounds(place, tools, rounds, loopBytes);
    const [cp, dd] = [ratios(r, 'merge', 'cp + sync'), ratios(r, 'merge', 'dd')];
    const med = (tool: string) => mibs(median(r.rates.get(tool)!));
    console.log(
      `| merge ${mergeBytes / MiB} MiB ${place.label} | ${med('merge')} (${roundList(r, 'merge')}; CPU ${median(r.cpu.get('merge')!).toFixed(2)} s) | cp + sync ${med('cp + sync')} (${roundList(r, 'cp + sync')}); dd ${med('dd')} (${roundList(r, 'dd')}) | ${cp.ofMedians.toFixed(2)}×, ${cp.perRound.toFixed(2)}× of cp + sync (target ≥ 0.8×); ${dd.ofMedians.toFixed(2)}×, ${dd.perRound.toFixed(2)}× of dd; load ${load} → ${loadavg()} |`,
    );
  }
}

/** The open (warm and cold) and the check, against reading the same metadata areas. */
function openAndCheckRows(dir: string, rounds: number): void {
  // 1. Open 2M exceptions against reading its areas, warm and cold.
  const bigCow = path.join(dir, 'big-cow.img');
  const exceptions = 2 * MiB;
  writeCow(bigCow, exceptions, false);
  let opened = 0;
  const open = () =>
    seconds(() => {
      const dev = FileDevice.open(bigCow);
      opened = PersistentStore.open(dev).exceptions;
      dev.close();
    });
  const read = () => seconds(() => readAreas(bigCow, exceptions));
  const cold = <T>(f: () => T) => {
    dropCache(bigCow);
    return f();
  };
  const r = { open: [] as Figure[], read: [] as Figure[], coldOpen: [] as Figure[], coldRead: [] as Figure[] };
  open(); // the first open warms the cache
  for (let i = 0; i < rounds; i++) {
    r.open.push(open());
    r.read.push(read());
    r.coldOpen.push(cold(open));
    r.coldRead.push(cold(read));
  }
  const [o, rd, co, cr] = [medianOf(r.open), medianOf(r.read), medianOf(r.coldOpen), medianOf(r.coldRead)];
  console.log(`| persistent measure (medians of ${rounds}) | snapscope | reference, same run | snapscope / reference |`);
  console.log('|---|---|---|---|');
  console.log(`| open, ${opened} exceptions, warm | ${ms(o)} | read of its ${Math.floor(exceptions / 256) + 1} areas ${ms(rd)} | ${ratio(o, rd)} (target ≤ 3×) |`);
  console.log(`| open, cold (file cache dropped) | ${ms(co)} | cold read of the areas ${ms(cr)} | ${ratio(co, cr)} (target ≤ 1.2×) |`);
  fs.rmSync(bigCow);

  // 2. Check of 5M exceptions (origins spread 7 apart, as the toolbox bench has them) against reading its areas.
  const checked = Number(process.env['SNAPSCOPE_BENCH_CHECK_N'] ?? 5_000_000);
  const checkCow = path.join(dir, 'check-cow.img');
  writeCow(checkCow, checked, false, 7);
  const check = () =>
    seconds(() => {
      const dev = FileDevice.open(checkCow);
      const report = runToEnd(checkTask(dev));
      dev.close();
      if (report.errors || report.exceptions !== checked) throw new Error(`persistent bench: check found ${report.errors} errors, ${report.exceptions} exceptions`);
    });
  const c = { check: [] as Figure[], read: [] as Figure[] };
  check(); // warms the cache
  for (let i = 0; i < rounds; i++) {
    c.check.push(check());
    c.read.push(seconds(() => readAreas(checkCow, checked)));
  }
  const [ck, ckr] = [medianOf(c.check), medianOf(c.read)];
  console.log(`| check, ${checked} exceptions, warm | ${ms(ck)} | read of its ${Math.floor(checked / 256) + 1} areas ${ms(ckr)} | ${ratio(ck, ckr)} (target ≤ 5×) |`);
  fs.rmSync(checkCow);
}

export async function run(): Promise<void> {
  const rounds = Number(process.env['SNAPSCOPE_BENCH_ROUNDS'] ?? 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-bench-persistent-'));
  try {
    console.log(`persistent, ${rounds} rounds interleaved, load average at start ${loadavg()}`);
    if (process.env['SNAPSCOPE_BENCH_SKIP_OPEN'] !== '1') openAndCheckRows(dir, rounds);

    // Merge 1 GiB of exceptions into a file origin and onto loop devices, against cp + sync and dd of the same bytes onto the same kind.
    mergeRows(dir, rounds);
    console.log(`load average at end ${loadavg()}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
