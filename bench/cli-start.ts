/**
 * CLI start-up (issue 16): `snapscope --version` and `snapscope info <demo>` against `node -e 0`,
 * interleaved (A B C A B C ...) in the same run: wall medians, and CPU per run (the children's
 * user + system time from /proc/self/stat, fairer on a loaded machine). Target: within 1.5x.
 * The bundle is built (bin/snapscope.mjs, first run) before timing. SNAPSCOPE_BENCH_ROUNDS sets the
 * rounds (default 21); SNAPSCOPE_BENCH_CLI_REF=<checkout>/bin/snapscope.cjs adds that checkout's
 * `--version` and `info` to the same rounds (an A/B of a change against main's CLI).
 * SNAPSCOPE_BENCH_CLI_READERS=info,check,stats,tree,dump,repair times those reader commands
 * instead of `info` alone (each against the ref's too).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/snapscope.cjs'); // package.json "bin"
const ROUNDS = Number(process.env['SNAPSCOPE_BENCH_ROUNDS'] ?? 21);
const REF = process.env['SNAPSCOPE_BENCH_CLI_REF'];
const READERS = (process.env['SNAPSCOPE_BENCH_CLI_READERS'] ?? 'info').split(',');
/** A reader command's arguments on the store `cow` (repair only plans: --dry-run). */
const readerArgs = (name: string, cow: string): string[] => (name === 'repair' ? ['repair', '--dry-run', cow] : [name, cow]);
const TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** CPU milliseconds of this process's waited-for children so far (cutime + cstime). */
function childrenCpuMs(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

function timed(args: string[]): { wall: number; cpu: number } {
  const cpu = childrenCpuMs();
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wall: performance.now() - t, cpu: childrenCpuMs() - cpu };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-bench-cli-'));
  try {
    timed([BIN, 'demo', dir]);
    const cow = path.join(dir, 'shared.cow');
    const cases: [string, string[]][] = [
      ['node -e 0', ['-e', '0']],
      ['snapscope --version', [BIN, '--version']],
      ...READERS.map((r): [string, string[]] => [`snapscope ${r} <demo>`, [BIN, ...readerArgs(r, cow)]]),
    ];
    if (REF) {
      timed([REF, '--version']); // builds its bundle
      cases.push(['ref --version', [REF, '--version']], ...READERS.map((r): [string, string[]] => [`ref ${r} <demo>`, [REF, ...readerArgs(r, cow)]]));
      console.log(`ref: ${REF}`);
    }
    const wall = cases.map(() => [] as number[]);
    const cpu = cases.map(() => [] as number[]);
    const load = os.loadavg()[0]!;
    for (let round = 0; round < ROUNDS; round++) {
      cases.forEach(([, args], i) => {
        const t = timed(args);
        wall[i]!.push(t.wall);
        cpu[i]!.push(t.cpu);
      });
    }
    const [baseWall, baseCpu] = [median(wall[0]!), sum(cpu[0]!)];
    for (const [i, [name]] of cases.entries()) {
      const w = median(wall[i]!);
      const c = sum(cpu[i]!);
      console.log(`${name.padEnd(22)} wall ${w.toFixed(0).padStart(4)} ms (${(w / baseWall).toFixed(2)}x)  CPU ${(c / ROUNDS).toFixed(0).padStart(3)} ms (${(c / baseCpu).toFixed(2)}x)`);
    }
    if (REF) {
      // Paired by round, so load that drifts over the run cancels out.
      for (const [k, r] of READERS.entries()) {
        const [mine, ref] = [wall[2 + k]!, wall[3 + READERS.length + k]!];
        console.log(`${r} / ref ${r}: wall ${median(mine.map((w, i) => w / ref[i]!)).toFixed(2)}x (median of per-round ratios)`);
      }
    }
    console.log(`${ROUNDS} rounds interleaved; wall: medians; CPU: means; load average ${load.toFixed(2)} -> ${os.loadavg()[0]!.toFixed(2)} (${os.cpus().length} CPUs)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
