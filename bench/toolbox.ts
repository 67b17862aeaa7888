/**
 * Toolbox benchmarks: check of a 5M-exception shared store against the seed's check (seedref's
 * matched-bench, same file), interleaved per round (metadata only, a sparse file built by the
 * restore builder); the dump rate; and (issue 12) opening the shared store for write, which walks
 * the tree against the bitmap, target < 1 s. The check of 5M persistent exceptions against reading
 * its metadata areas is in persistent.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkTask } from '../src-core/check/check.ts';
import { dumpTask } from '../src-core/ir/dump.ts';
import type { DumpHeader, ExceptionSource } from '../src-core/ir/model.ts';
import { restore } from '../src-core/ir/restore.ts';
import { dumpWriter } from '../src-core/ir/writer.ts';
import { runToEnd } from '../src-core/jobs/job.ts';
import { SharedStore } from '../src-core/shared/index.ts';
import { FileDevice } from '../src-main/host/file-device.ts';
import { seconds } from './floors.ts';
import { jsonLine, loadavg, medianOf, type Figure } from './matched/rounds.ts';
import { buildSeedref } from './matched/seedref.ts';

const N = Number(process.env['SNAPSCOPE_BENCH_CHECK_N'] ?? 5_000_000);
const CHUNK = 4096;

function sparse(dir: string, name: string, chunks: number): FileDevice {
  const file = path.join(dir, name);
  fs.writeFileSync(file, '');
  fs.truncateSync(file, chunks * CHUNK);
  return FileDevice.open(file, { write: true });
}

const fmt = (f: Figure): string => `${f.wall.toFixed(3)} s (CPU ${f.cpu.toFixed(3)} s)`;

function timed<T>(what: string, fn: () => T): T {
  const t0 = performance.now();
  const r = fn();
  const s = (performance.now() - t0) / 1000;
  console.log(`${what}: ${s.toFixed(2)} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  return r;
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-bench-'));
  try {
    // Shared: origins 0..N-1, each with one exception shared by snapshots 0 and 1; data chunks
    // right after the bitmap area, tree blocks allocated past them.
    const chunks = N + 400_000;
    const sharedHeader: DumpHeader = { format: 'shared', chunkBytes: CHUNK, chunkCount: chunks, valid: true, version: 1, snapmask: 3n, snapshots: [0, 1].map((slot) => ({ slot, name: `s${slot}`, uuid: `00000000-0000-4000-8000-00000000000${slot}`, created: 0 })) };
    const first = 1 + Math.ceil(chunks / (CHUNK * 8));
    const sharedSource: ExceptionSource = { forEach: (v) => { for (let i = 0; i < N; i++) v(i, first + i, 3, 0); } };
    const shared = sparse(dir, 'shared.img', chunks);
    timed(`build shared store, ${N} exceptions`, () => restore(shared, sharedHeader, sharedSource));
    shared.close();
    const rounds = Number(process.env['SNAPSCOPE_BENCH_ROUNDS'] ?? 3);
    const seed = buildSeedref(dir);
    if ('missing' in seed) console.log(`seed check skipped: ${seed.missing}`);
    const checkFile = (file: string) =>
      seconds(() => {
        const dev = FileDevice.open(file);
        const r = runToEnd(checkTask(dev));
        dev.close();
        if (r.errors) throw new Error(`toolbox bench: check found ${r.errors} errors in ${file}`);
      });
    const seedCheck = (): Figure => {
      const j = jsonLine((seed as { binary: string }).binary, ['check', path.join(dir, 'shared.img'), String(CHUNK / 512)]);
      return { wall: Number(j['s']), cpu: Number(j['cpuS']) };
    };
    const sc = { ours: [] as Figure[], seed: [] as Figure[] };
    for (let r = 0; r < rounds; r++) {
      sc.ours.push(checkFile(path.join(dir, 'shared.img')));
      if ('binary' in seed) sc.seed.push(seedCheck());
    }
    // Opening for write walks the tree against the bitmap (docs/format-shared.md § Crash guarantees, 7). Target < 1 s.
    const again = FileDevice.open(path.join(dir, 'shared.img'), { write: true });
    timed('open shared for write (tree vs bitmap)', () => SharedStore.open(again, { write: true }).close());
    let bytes = 0;
    const t0 = performance.now();
    const dumped = FileDevice.open(path.join(dir, 'shared.img'));
    runToEnd(dumpTask(dumped, dumpWriter('json', (t) => (bytes += t.length))));
    const dumpS = (performance.now() - t0) / 1000;
    dumped.close();
    console.log(`dump shared (json): ${dumpS.toFixed(2)} s, ${(N / dumpS / 1e6).toFixed(2)} M exceptions/s, ${(bytes / 2 ** 20).toFixed(0)} MiB`);
    console.log(`| check (medians of ${rounds}, load average ${loadavg()}) | snapscope | reference, same run | time / reference |`);
    console.log('|---|---|---|---|');
    const ours = medianOf(sc.ours);
    if (!sc.seed.length) console.log(`| check, shared store of ${N / 1e6}M exceptions | ${fmt(ours)} | skipped | — |`);
    else {
      const ref = medianOf(sc.seed);
      console.log(`| check, shared store of ${N / 1e6}M exceptions | ${fmt(ours)} | seed check ${fmt(ref)} | ${(ours.wall / ref.wall).toFixed(2)}× (CPU ${(ours.cpu / ref.cpu).toFixed(2)}×) |`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
