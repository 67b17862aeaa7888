/**
 * Toolbox benchmarks: check of a 5M-exception shared store and a 5M-exception persistent COW
 * (metadata only, on sparse files built by the restore builders), and the dump rate.
 * Targets (issue 5): check < 5 s each with bounded memory; dump > 1M exceptions/s; (issue 12)
 * opening the shared store for write, which walks the tree against the bitmap, < 1 s.
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
import { Geometry } from '../src-core/persistent/format.ts';
import { SharedStore } from '../src-core/shared/index.ts';
import { FileDevice } from '../src-main/host/file-device.ts';

const N = 5_000_000;
const CHUNK = 4096;

function sparse(dir: string, name: string, chunks: number): FileDevice {
  const file = path.join(dir, name);
  fs.writeFileSync(file, '');
  fs.truncateSync(file, chunks * CHUNK);
  return FileDevice.open(file, { write: true });
}

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
    const sr = timed('check shared', () => runToEnd(checkTask(shared)));
    console.log(`  ${sr.exceptions} exceptions, ${sr.blocks} blocks, ${sr.errors} errors, ${sr.warnings} warnings`);
    // Opening for write walks the tree against the bitmap (docs/format-shared.md § Crash guarantees, 7). Target < 1 s.
    const again = FileDevice.open(path.join(dir, 'shared.img'), { write: true });
    timed('open shared for write (tree vs bitmap)', () => SharedStore.open(again, { write: true }).close());
    let bytes = 0;
    const t0 = performance.now();
    runToEnd(dumpTask(shared, dumpWriter('json', (t) => (bytes += t.length))));
    const dumpS = (performance.now() - t0) / 1000;
    console.log(`dump shared (json): ${dumpS.toFixed(2)} s, ${(N / dumpS / 1e6).toFixed(2)} M exceptions/s, ${(bytes / 2 ** 20).toFixed(0)} MiB`);
    shared.close();

    // Persistent: N exceptions in table order, data chunks allocated the kernel's way.
    const geo = new Geometry(CHUNK / 512);
    const pChunks = 2 + N + Math.ceil(N / geo.exceptionsPerArea) + 2;
    const persistentHeader: DumpHeader = { format: 'persistent', chunkBytes: CHUNK, chunkCount: pChunks, valid: true, version: 1, snapmask: 1n, snapshots: [] };
    const persistentSource: ExceptionSource = {
      forEach: (v) => {
        let next = 2;
        for (let i = 0; i < N; i++) {
          next = geo.skipMetadata(next);
          v(i * 7, next++, 1, 0);
        }
      },
    };
    const pcow = sparse(dir, 'persistent.img', pChunks);
    timed(`build persistent COW, ${N} exceptions`, () => restore(pcow, persistentHeader, persistentSource));
    const pr = timed('check persistent', () => runToEnd(checkTask(pcow)));
    console.log(`  ${pr.exceptions} exceptions, ${pr.blocks} areas, ${pr.errors} errors, ${pr.warnings} warnings`);
    pcow.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
