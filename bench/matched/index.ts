/**
 * Matched benchmarks: snapscope's shared-store engine and the seed's C code (seedref's
 * matched-bench) on the same workload files, interleaved A B A B in one run, each side a fresh
 * process; medians of wall and CPU rates and their ratio (snapscope / seed: above 1 is faster).
 * Metadata only (no data copies), 4 KiB chunks, neither side fsyncs (the seed never does).
 *
 * SNAPSCOPE_BENCH_ROUNDS (default 3) sets the rounds. SNAPSCOPE_BENCH_MATCHED=inserts runs the
 * insert rows (and the lookups in their store) alone, =delete the delete row alone. Random inserts past the cache and the
 * scaling curve are in ../shared-scale.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleDrivers } from '../engine-bundle.ts';
import { writeWorkload } from './workload.ts';
import { buildSeedref, tmpRoot } from './seedref.ts';
import { interleave, jsonLine, loadavg, medianOf, type Figure, type Side } from './rounds.ts';

/** Requests per group commit: the seed's own flush interval for pending exceptions (every 256 callbacks). */
const GROUP = 256;
/** Stands for a file image in a run's arguments; each run gets its own file. */
const IMAGE = '<image>';
const num = (v: unknown): number => Number(v);
const k = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : `${(x / 1e3).toFixed(0)}k`);

export interface Row {
  measure: string;
  unit: 'rate' | 'seconds';
  a: Figure;
  b: Figure | null;
  note?: string;
}

function show(x: Figure, unit: Row['unit']): string {
  return unit === 'rate' ? `${k(x.wall)}/s (CPU ${k(x.cpu)}/s)` : `${x.wall.toFixed(3)} s (CPU ${x.cpu.toFixed(3)} s)`;
}

/** Speed of A relative to B: above 1, A is faster. */
function ratio(r: Row): string {
  if (!r.b) return '—';
  const f = (a: number, b: number) => (r.unit === 'rate' ? a / b : b / a).toFixed(2);
  return `${f(r.a.wall, r.b.wall)}× (CPU ${f(r.a.cpu, r.b.cpu)}×)`;
}

function printRow(r: Row): void {
  console.log(`| ${r.measure} | ${show(r.a, r.unit)} | ${r.b ? show(r.b, r.unit) : 'skipped'} | ${ratio(r)}${r.note ? ` ${r.note}` : ''} |`);
}

export async function run(): Promise<Row[]> {
  const rounds = Number(process.env['SNAPSCOPE_BENCH_ROUNDS'] ?? 3);
  const dir = tmpRoot();
  const rows: Row[] = [];
  const add = (r: Row) => {
    rows.push(r);
    printRow(r);
  };
  try {
    const seed = buildSeedref(dir);
    const seedBin = 'binary' in seed ? seed.binary : null;
    if (!seedBin) console.log(`seed side skipped: ${'missing' in seed ? seed.missing : ''}`);
    const drivers = await bundleDrivers(dir);
    console.log(`matched benchmarks, ${rounds} rounds interleaved (snapscope, seed, snapscope, ...), load average at start ${loadavg()}; ${drivers.how}`);
    console.log('| measure | snapscope | seed (C) | snapscope / seed |');
    console.log('|---|---|---|---|');
    const data = path.join(dir, 'workload');
    fs.mkdirSync(data);
    writeWorkload(data, 200_000, 200_000, 1_000_000);
    // A fresh image name per run (removed after it): truncating a large used file to reuse it made
    // the root file system discard its blocks synchronously, minutes under load.
    let runs = 0;
    const fresh = (args: string[]) => args.map((a) => (a === IMAGE ? path.join(dir, `cow-${runs++}.img`) : a));
    const image = IMAGE;
    const once = (cmd: string, pre: string[], args: string[], env?: Record<string, string>) => {
      const real = fresh(args);
      try {
        return jsonLine(cmd, [...pre, ...real], env);
      } finally {
        for (const a of real) if (a.startsWith(path.join(dir, 'cow-'))) fs.rmSync(a, { force: true });
      }
    };
    const ts = (args: string[], env?: Record<string, string>) => once(process.execPath, drivers.argv('engine'), args, env);
    const c = (args: string[], env?: Record<string, string>) => once(seedBin!, [], args, env);
    const pair = (a: (x: string[]) => Record<string, unknown>, b: (x: string[]) => Record<string, unknown>, args: string[], pick: (j: Record<string, unknown>) => Figure) => {
      const A: Side = { name: 'snapscope', run: () => pick(a(args)) };
      const B: Side | null = seedBin ? { name: 'seed', run: () => pick(b(args)) } : null;
      return interleave(rounds, A, B);
    };

    // 200k random origin writes over 1M chunks, 8 snapshots; then the same 200k lookups.
    // SNAPSCOPE_BENCH_MATCHED=delete runs the delete row alone.
    for (const backend of process.env['SNAPSCOPE_BENCH_MATCHED'] === 'delete' ? [] : ['-m', image]) {
      for (const [every, group] of [[1, 0], [1, GROUP], [1000, 0]] as const) {
        const args = ['writes', backend, String(2 ** 18), String(every), data];
        const looks: Figure[][] = [[], []];
        const exc: number[] = [];
        const got = pair(
          (x) => ts([...x, String(group)]),
          (x) => c([...x, backend === '-m' ? '1' : '0']),
          args,
          (j) => {
            exc.push(num(j['exceptions']));
            looks[j['engine'] === 'seedref' ? 1 : 0]!.push({ wall: num(j['lookPerS']), cpu: num(j['lookPerCpuS']) });
            return { wall: num(j['excPerS']), cpu: num(j['excPerCpuS']) };
          },
        );
        if (new Set(exc).size !== 1) throw new Error(`matched bench: the engines created different exception counts ${[...new Set(exc)]}`);
        const where = backend === '-m' ? 'memory' : 'file (page cache, no fsync)';
        const mode = every > 1 ? `commit every ${every}` : group ? `a commit asked for after every write, grouped by ${group} (seed: commit after each)` : 'commit after every write';
        add({ measure: `inserts, ${mode}, ${where} (${exc[0]} exceptions)`, unit: 'rate', a: medianOf(got.a), b: got.b.length ? medianOf(got.b) : null });
        if (every === 1000 && backend === '-m') {
          add({ measure: 'lookups in that store, the same 200k (snapshot, chunk) pairs', unit: 'rate', a: medianOf(looks[0]!), b: looks[1]!.length ? medianOf(looks[1]!) : null });
        }
      }
    }
    if (process.env['SNAPSCOPE_BENCH_MATCHED'] === 'inserts') {
      console.log(`load average at end ${loadavg()}`);
      return rows;
    }

    // Delete of a snapshot holding 1M exceptions (+ commit), memory.
    const del = pair((x) => ts(x), (x) => c(x), ['delete', '-m'], (j) => ({ wall: num(j['deleteS']), cpu: num(j['deleteCpuS']) }));
    add({ measure: 'delete of a snapshot holding 1M exceptions + commit, memory', unit: 'seconds', a: medianOf(del.a), b: del.b.length ? medianOf(del.b) : null });

    console.log(`load average at end ${loadavg()}`);
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
