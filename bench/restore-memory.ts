/**
 * Restore of a large dump in bounded memory (issue 13.7): generates a shared-store dump of N
 * exceptions (default 10M, about 300 MB of JSON; SNAPSCOPE_BENCH_RESTORE_N), restores it with
 * the real CLI onto a new sparse file (--metadata-only), and reports the process's peak RSS
 * (VmHWM, polled from /proc) beside the dump's size. The reader streams the dump; what stays is
 * the builder's bitmap and per-leaf keys, which grow with the store, not with the dump's text.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadavg } from './matched/rounds.ts';

const N = Number(process.env['SNAPSCOPE_BENCH_RESTORE_N'] ?? 10_000_000);
const BIN = path.resolve(import.meta.dirname, '../bin/snapscope.mjs');
const FIRST_DATA = 4096;

/** A shared dump: one snapshot, origin i kept in chunk FIRST_DATA + i. */
function writeDump(file: string, format: 'json' | 'xml'): number {
  const fd = fs.openSync(file, 'w');
  const chunkCount = FIRST_DATA + N + Math.ceil(N / 8) + 1024; // data, then room for leaves and nodes
  const head = { snapscope_dump: 1, format: 'shared', chunk_bytes: 4096, chunk_count: chunkCount, valid: true, version: 1, snapmask: '0x1' };
  const snapshot = { slot: 0, name: 'big', uuid: '00000000-0000-4000-8000-000000000001', created: 0 };
  let out =
    format === 'json'
      ? `${JSON.stringify({ ...head, snapshots: [snapshot] }).slice(0, -1)},\n"exceptions":[\n`
      : `<snapscope_dump version="1" format="shared" chunk_bytes="4096" chunk_count="${chunkCount}" valid="1" store_version="1" snapmask="0x1">\n  <snapshot slot="0" name="big" uuid="${snapshot.uuid}" created="0"/>\n`;
  for (let i = 0; i < N; i++) {
    out += format === 'json' ? `${i ? ',\n' : ''}[${i},${FIRST_DATA + i},"0x1"]` : `  <exception origin="${i}" chunk="${FIRST_DATA + i}" share="0x1"/>\n`;
    if (out.length > 1 << 20) {
      fs.writeSync(fd, out);
      out = '';
    }
  }
  fs.writeSync(fd, out + (format === 'json' ? '\n]}\n' : '</snapscope_dump>\n'));
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

/** Runs the CLI, polling its peak RSS; resolves with the exit code, seconds and peak bytes. */
function restoreWithPeak(args: string[]): Promise<{ code: number; seconds: number; peak: number; stderr: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (stderr += d.toString()));
    let peak = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peak = Math.max(peak, Number(hwm[1]) * 1024);
      } catch {
        // gone
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code: code ?? -1, seconds: (performance.now() - t0) / 1000, peak, stderr });
    });
  });
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-restore-mem-'));
  try {
    for (const format of ['json', 'xml'] as const) {
      const dump = path.join(dir, `big.${format}`);
      const bytes = writeDump(dump, format);
      const target = path.join(dir, `restored-${format}.cow`);
      const r = await restoreWithPeak(['restore', target, '--dump', dump, '--metadata-only', '--json']);
      if (r.code !== 0) throw new Error(`restore failed (${r.code}): ${r.stderr}`);
      console.log(
        `restore ${format}: ${N} exceptions, dump ${(bytes / 2 ** 20).toFixed(0)} MiB: peak RSS ${(r.peak / 2 ** 20).toFixed(0)} MiB, ${r.seconds.toFixed(1)} s (load ${loadavg()})`,
      );
      fs.rmSync(dump);
      fs.rmSync(target);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
