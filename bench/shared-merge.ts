/**
 * Shared merge benchmark: merge a snapshot holding `exceptions` exceptions of 4 KiB (1M = 4 GiB)
 * as the CLI does (batches of about 250 ms) into a sparse origin file and onto loop devices,
 * against `cp` + `sync` and `dd` (O_DIRECT + fsync) of the same COW onto the same kind of target
 * in the same run, timed as merge-rounds.ts says. The merge is durable (it flushes before every
 * commit), so cp + sync is the fair comparison; the target is a merge rate ≥ 80% of its.
 * SNAPSCOPE_BENCH_MERGE_EXCEPTIONS sets the size (default 256Ki, 1 GiB), SNAPSCOPE_BENCH_MERGE_ROUNDS
 * (else SNAPSCOPE_BENCH_ROUNDS) the rounds (default 3).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runToEnd } from '../src-core/jobs/job.ts';
import { SharedStore } from '../src-core/shared/index.ts';
import { FileDevice } from '../src-main/host/file-device.ts';
import { mergeTask } from '../src-main/host/merges.ts';
import { cpAndSync, ddDirect } from './floors.ts';
import { loadavg, median } from './matched/rounds.ts';
import { mergePlaces, mibs, ratios, roundList, timeRounds, type Tool } from './merge-rounds.ts';

const CHUNK = 4096;
const MiB = 1 << 20;

/** Every chunk of the COW holds real bytes (no holes to read fast), its own number in its first 8. */
function fillCow(file: string, chunks: number): void {
  const per = (8 * MiB) / CHUNK;
  const buf = Buffer.alloc(per * CHUNK, 0x5a);
  const fd = fs.openSync(file, 'w');
  for (let first = 0; first < chunks; first += per) {
    const n = Math.min(per, chunks - first);
    for (let k = 0; k < n; k++) buf.writeBigUInt64LE(BigInt(first + k), k * CHUNK);
    fs.writeSync(fd, buf, 0, n * CHUNK, first * CHUNK);
  }
  fs.closeSync(fd);
}

/** Snapshot 0 reads its own copy of each of the first `exceptions` origin chunks (metadata written over the filled COW). */
function buildStore(cowFile: string, exceptions: number): Map<number, number> {
  const store = SharedStore.format(FileDevice.open(cowFile, { write: true }), { chunkBytes: CHUNK });
  store.createSnapshot({ name: 'before-upgrade' });
  for (let c = 0; c < exceptions; c++) {
    store.prepareOriginWrite(c);
    if ((c & 0xffff) === 0xffff) store.commit();
  }
  // After the merge origin chunk c holds what the exception held: that COW chunk's number.
  const expected = new Map<number, number>();
  for (let c = 0; c < exceptions; c += 4099) expected.set(c, store.lookup(0, c));
  expected.set(exceptions - 1, store.lookup(0, exceptions - 1));
  store.close();
  return expected;
}

function spotCheck(originFile: string, expected: Map<number, number>): void {
  const fd = fs.openSync(originFile, 'r');
  const b = Buffer.alloc(8);
  for (const [c, chunk] of expected) {
    fs.readSync(fd, b, 0, 8, c * CHUNK);
    if (b.readBigUInt64LE(0) !== BigInt(chunk)) throw new Error(`shared merge bench: origin chunk ${c} was not merged`);
  }
  fs.closeSync(fd);
}

export async function run(
  exceptions = Number(process.env.SNAPSCOPE_BENCH_MERGE_EXCEPTIONS ?? 1 << 18),
  rounds = Number(process.env.SNAPSCOPE_BENCH_MERGE_ROUNDS ?? process.env.SNAPSCOPE_BENCH_ROUNDS ?? 3),
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-bench-shared-merge-'));
  try {
    const file = (name: string) => path.join(dir, name);
    const baseFile = file('base.img');
    const cowChunks = exceptions + Math.ceil(exceptions / 50) + 1024; // data + tree + bitmap + room
    fillCow(baseFile, cowChunks);
    const expected = buildStore(baseFile, exceptions);
    const bytes = exceptions * CHUNK;
    const cpBytes = cowChunks * CHUNK;
    const loopBytes = Math.ceil(cpBytes / MiB) * MiB;
    const input = (round: number) => file(`merge-input-${round}.img`);
    const tools: Tool[] = [
      { name: 'cp + sync', bytes: cpBytes, fileBytes: 0, run: (target) => cpAndSync(baseFile, target) },
      {
        name: 'merge',
        bytes,
        fileBytes: bytes,
        prepare: (round) => execFileSync('cp', ['--sparse=never', baseFile, input(round)]),
        run: (target, round) => {
          const cow = FileDevice.open(input(round), { write: true });
          const origin = FileDevice.open(target, { write: true });
          const store = SharedStore.open(cow, { write: true });
          const moved = runToEnd(mergeTask(store, origin, 0, undefined, undefined, 250)).bytes; // as the CLI runs it
          store.close();
          origin.close();
          if (moved !== bytes) throw new Error(`shared merge bench: moved ${moved} bytes, expected ${bytes}`);
        },
        check: (target) => spotCheck(target, expected),
        cleanUp: (round) => fs.rmSync(input(round), { force: true }),
      },
      { name: 'dd', bytes: cpBytes, fileBytes: 0, run: (target) => ddDirect(baseFile, target) },
    ];
    const { places, skipped } = mergePlaces(dir, loopBytes);
    for (const line of skipped) console.log(`shared ${line}`);
    console.log(
      `shared merges: ${exceptions} exceptions (${(bytes / 2 ** 30).toFixed(2)} GiB) moved onto the origin, durable; cp and dd copy the whole COW (${(cpBytes / MiB).toFixed(0)} MiB); ${rounds} rounds after a warm-up round, each tool once a round onto a fresh target, the order rotating, \`sync\` before each timed step`,
    );
    for (const place of places) {
      const loadStart = loadavg();
      const r = timeRounds(place, tools, rounds, loopBytes);
      const [cp, dd] = [ratios(r, 'merge', 'cp + sync'), ratios(r, 'merge', 'dd')];
      const med = (tool: string) => mibs(median(r.rates.get(tool)!));
      console.log(`shared merge ${place.label}:`);
      for (const tool of tools) console.log(`  ${tool.name.padEnd(9)} ${med(tool.name)} (${roundList(r, tool.name)})`);
      console.log(`  merge CPU in this process, all threads: ${median(r.cpu.get('merge')!).toFixed(2)} s (median)`);
      console.log(`  merge / (cp + sync): ${cp.ofMedians.toFixed(2)}× of the medians, ${cp.perRound.toFixed(2)}× per round (median; target ≥ 0.8×)`);
      console.log(`  merge / dd: ${dd.ofMedians.toFixed(2)}× of the medians, ${dd.perRound.toFixed(2)}× per round`);
      console.log(`  load average ${loadStart} at start, ${loadavg()} at end`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
