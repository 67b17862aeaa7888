import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { expect, it } from 'vitest';
import { runToEnd } from '../../src-core/jobs/job.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { BackgroundFlush } from '../../src-main/host/background-flush.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { mergeTask } from '../../src-main/host/merges.ts';
import { tempDir } from './fixtures.ts';

/** Descriptors of this process open on `file`, without the O_DIRECT one a device opens for its bulk writes (FileDevice.writeThrough). */
/** Descriptors of this process on `file`; O_DIRECT ones (a merge's writer thread) only when `direct`. */
const fdsOn = (file: string, direct = false) =>
  fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) !== file) return false;
      const flags = /flags:\s+([0-7]+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      return direct || !flags || (parseInt(flags[1]!, 8) & fs.constants.O_DIRECT) === 0;
    } catch {
      return false; // the listing's own descriptor, closed by now
    }
  }).length;

/** A shared store (4 KiB chunks) with one snapshot, in a file, and a 64-chunk origin file of 1s. */
function storeAndOrigin() {
  const dir = tempDir();
  const [cowFile, originFile] = [path.join(dir, 'cow'), path.join(dir, 'origin')];
  fs.writeFileSync(originFile, Buffer.alloc(64 * 4096, 1));
  fs.writeFileSync(cowFile, Buffer.alloc(1024 * 4096));
  const origin = FileDevice.open(originFile, { write: true });
  const store = SharedStore.format(FileDevice.open(cowFile, { write: true }), { chunkBytes: 4096 });
  store.createSnapshot({ name: 's' });
  return { originFile, origin, store };
}

it('flushes in the background: waits return in order, close releases the descriptor', () => {
  const file = path.join(tempDir(), 'f');
  fs.writeFileSync(file, Buffer.alloc(1 << 20));
  const flush = new BackgroundFlush(file);
  expect(fdsOn(file)).toBe(1);
  const dev = FileDevice.open(file, { write: true });
  dev.write(0, new Uint8Array(4096).fill(1));
  const first = flush.start();
  dev.write(4096, new Uint8Array(4096).fill(2));
  const second = flush.start();
  second();
  first();
  dev.close();
  flush.close();
  expect(fdsOn(file)).toBe(0);
});

it('a shared merge into a file releases its background flush when it ends', () => {
  const { originFile, origin, store } = storeAndOrigin();
  for (let c = 0; c < 64; c++) store.writeOrigin(origin, c, new Uint8Array(4096).fill(2));
  expect(runToEnd(mergeTask(store, origin, 0)).chunks).toBe(64);
  expect(fdsOn(originFile)).toBe(1); // the origin device's own
  store.close();
  origin.close();
  expect(fs.readFileSync(originFile).every((b) => b === 1)).toBe(true);
});

it('a refused shared merge leaves no descriptor of its writer or flush threads open on the origin', () => {
  const { originFile, origin, store } = storeAndOrigin();
  try {
    expect(() => mergeTask(store, origin, 5)).toThrow(/no snapshot in slot 5/);
    expect(fdsOn(originFile, true)).toBe(1); // the origin device's own
  } finally {
    store.close();
    origin.close();
  }
});

it('a wait before the flush worker has started (no event-loop turn yet) flushes on this thread instead of hanging', () => {
  const file = path.join(tempDir(), 'origin');
  fs.writeFileSync(file, Buffer.alloc(4096, 7));
  const flush = new BackgroundFlush(file);
  try {
    const started = Date.now();
    flush.start()(); // synchronously, as a merge of small batches does inside one slice
    flush.start()();
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    flush.close();
  }
});

it('a gated flush starts its fsync only once the gate counter reaches its mark, on its thread or in line', () => {
  const file = path.join(tempDir(), 'origin');
  fs.writeFileSync(file, Buffer.alloc(4096, 7));
  const words = new Int32Array(new SharedArrayBuffer(8));
  const flush = new BackgroundFlush(file, { words, index: 0 });
  // Another thread completes "the writes" 300 ms from now.
  const raise = (to: number) =>
    new Worker(`const { workerData: w } = require('node:worker_threads'); Atomics.wait(w.words, 1, 0, 300); Atomics.store(w.words, 0, w.to); Atomics.notify(w.words, 0);`, {
      eval: true,
      workerData: { words: new Int32Array(words.buffer, 0, 2), to },
    });
  try {
    for (const mark of [1, 2]) {
      // The first wait comes before the flush thread has started (it flushes in line); the second after.
      if (mark === 2) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      const raiser = raise(mark);
      const started = Date.now();
      flush.start(mark)();
      expect(Atomics.load(words, 0)).toBe(mark);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      void raiser.terminate();
    }
  } finally {
    flush.close();
  }
});
