/**
 * Shared merge benchmark: merge a snapshot holding `exceptions` exceptions of 4 KiB (1M = 4 GiB)
 * into a sparse origin file, then onto a loop device over one (skipped when not root or without
 * losetup), as the CLI does (batches of about 250 ms), against `cp` of the same COW onto the same
 * kind of target in the same run. The merge is durable (it flushes before every commit), so
 * cp + sync is the fair comparison and plain cp the page-cache bound; the target is a merge rate
 * ≥ 80% of cp + sync's. The disks of shared virtual
 * machines vary from one second to the next, so each round times cp + sync and the merge back to
 * back, each right after a durable copy of the same size, and the medians are compared. Nothing is
 * deleted until the end: the root file system discards freed blocks, which would otherwise land
 * in whichever fsync comes next (rounds × 4 times the size on disk). Plain cp is timed once; dd
 * (O_DIRECT + fsync, the disk's own copy rate) follows each round's merge.
 * SNAPSCOPE_BENCH_MERGE_EXCEPTIONS and SNAPSCOPE_BENCH_MERGE_ROUNDS set the size (default 256Ki,
 * 1 GiB) and the rounds (default 3).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runToEnd } from '../src-core/jobs/job.ts';
import { SharedStore } from '../src-core/shared/index.ts';
import { FileDevice } from '../src-main/host/file-device.ts';
import { mergeTask } from '../src-main/host/merges.ts';
import { cpSync, ddDirect, detachLoops, loopUnavailable, mergeTarget, seconds } from './floors.ts';
import { loadavg } from './matched/rounds.ts';

const CHUNK = 4096;
const MiB = 1 << 20;

export interface SharedMergeBenchResult {
  /** The origin: a sparse file, or a loop device over one. */
  kind: 'file' | 'loop';
  exceptions: number;
  /** Bytes the merge moved onto the origin, and per round its rate and cp's (bytes/s). */
  bytes: number;
  merge: number[];
  cp: number[];
  cpSync: number[];
  /** dd with O_DIRECT and fsync of the same bytes, each round (bytes/s). */
  dd: number[];
  /** Median merge rate over median cp (file rows: plain cp timed once) and cp + sync rate. */
  mergeVsCp: number;
  mergeVsCpSync: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

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
  rounds = Number(process.env.SNAPSCOPE_BENCH_MERGE_ROUNDS ?? 3),
): Promise<SharedMergeBenchResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-bench-shared-merge-'));
  try {
    const file = (name: string) => path.join(dir, name);
    const baseFile = file('base.img');
    const cowChunks = exceptions + Math.ceil(exceptions / 50) + 1024; // data + tree + bitmap + room
    fillCow(baseFile, cowChunks);
    const expected = buildStore(baseFile, exceptions);
    const bytes = exceptions * CHUNK;
    const cpBytes = cowChunks * CHUNK;
    const results: SharedMergeBenchResult[] = [];
    const noLoop = loopUnavailable();
    for (const kind of ['file', 'loop'] as const) {
      if (kind === 'loop' && noLoop) {
        console.log(`shared merge onto a loop device: skipped, ${noLoop}`);
        continue;
      }
      const result: SharedMergeBenchResult = { kind, exceptions, bytes, merge: [], cp: [], cpSync: [], dd: [], mergeVsCp: 0, mergeVsCpSync: 0 };
      const loadStart = loadavg();
      for (let round = 0; round < rounds; round++) {
        const at = (name: string) => file(`${kind}-${name}-${round}`);
        const cowFile = at('cow');
        execFileSync('cp', ['--sparse=never', baseFile, cowFile]); // the merge's input
        const loops: string[] = [];
        try {
          // The merge writes its first `bytes`; cp and dd copy the whole COW.
          const target = (name: string, sparse: number) => mergeTarget(kind, at(name), sparse, Math.ceil(cpBytes / MiB) * MiB, loops);
          const [cpTarget, originTarget, ddTarget] = [target('cp-sync', 0), target('origin', bytes), target('dd', 0)];
          execFileSync('sync');
          result.cpSync.push(cpBytes / cpSync(baseFile, cpTarget).wall);
          let moved = 0;
          result.merge.push(
            bytes /
              seconds(() => {
                const cow = FileDevice.open(cowFile, { write: true });
                const origin = FileDevice.open(originTarget, { write: true });
                const store = SharedStore.open(cow, { write: true });
                moved = runToEnd(mergeTask(store, origin, 0, undefined, undefined, 250)).bytes; // as the CLI runs it
                store.close();
                origin.close();
              }).wall,
          );
          result.dd.push(cpBytes / ddDirect(baseFile, ddTarget).wall);
          if (moved !== bytes) throw new Error(`shared merge bench: moved ${moved} bytes, expected ${bytes}`);
          spotCheck(originTarget, expected);
        } finally {
          detachLoops(loops);
        }
      }
      if (kind === 'file') {
        execFileSync('sync');
        result.cp.push(cpBytes / seconds(() => execFileSync('cp', ['--sparse=never', baseFile, file('cp.img')])).wall);
        execFileSync('sync'); // that copy's write-back would otherwise land in the loop rows' first round
      }
      result.mergeVsCp = result.cp.length ? median(result.merge) / median(result.cp) : 0;
      result.mergeVsCpSync = median(result.merge) / median(result.cpSync);
      const rates = (xs: number[]) => xs.map((x) => (x / MiB).toFixed(0)).join(', ');
      const where = kind === 'loop' ? 'onto a loop device (sparse backing file; the COW a file)' : 'into a sparse file origin';
      console.log(`shared merge ${where}: ${exceptions} exceptions (${(bytes / 2 ** 30).toFixed(2)} GiB) moved onto the origin, durable, ${rounds} rounds`);
      console.log(`  merge     MiB/s: ${rates(result.merge)}`);
      if (result.cp.length) console.log(`  cp        MiB/s: ${rates(result.cp)} (page cache, once; merge / cp ${(result.mergeVsCp * 100).toFixed(0)}%)`);
      console.log(`  cp + sync MiB/s: ${rates(result.cpSync)}`);
      console.log(`  dd O_DIRECT + fsync MiB/s: ${rates(result.dd)}; median merge / dd: ${((median(result.merge) / median(result.dd)) * 100).toFixed(0)}%`);
      console.log(`  load average ${loadStart} at start, ${loadavg()} at end`);
      console.log(`  median merge / (cp + sync): ${(result.mergeVsCpSync * 100).toFixed(0)}% (target >= 80%)`);
      results.push(result);
    }
    return results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
