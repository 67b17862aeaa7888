/**
 * CLI start-up (issue 16): `snapscope --version` and `snapscope info <demo>` against `node -e 0`,
 * interleaved (A B C A B C ...) in the same run, medians of wall time. Target: within 1.5x.
 * The first run builds the bundle (bin/snapscope.mjs); it is made before timing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/snapscope.mjs');
const ROUNDS = 21;

function wallMs(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return performance.now() - t;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-bench-cli-'));
  try {
    wallMs([BIN, 'demo', dir]);
    const cases: [string, string[]][] = [
      ['node -e 0', ['-e', '0']],
      ['snapscope --version', [BIN, '--version']],
      ['snapscope info <demo>', [BIN, 'info', path.join(dir, 'shared.cow')]],
    ];
    const times = cases.map(() => [] as number[]);
    const load = os.loadavg()[0]!;
    for (let round = 0; round < ROUNDS; round++) cases.forEach(([, args], i) => times[i]!.push(wallMs(args)));
    const base = median(times[0]!);
    for (const [i, [name]] of cases.entries()) {
      const m = median(times[i]!);
      console.log(`${name.padEnd(24)} ${m.toFixed(0).padStart(5)} ms median of ${ROUNDS}  ${(m / base).toFixed(2)}x node -e 0`);
    }
    console.log(`load average ${load.toFixed(2)} -> ${os.loadavg()[0]!.toFixed(2)} (${os.cpus().length} CPUs)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
