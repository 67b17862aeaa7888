import fs from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { SnapscopeError } from '../../src-core/errors.ts';
import type { FlushWait } from '../../src-core/merge-result.ts';

/**
 * fsync(fd) on request, once the gate's counter has reached the request's mark (the writes it
 * must cover are complete); the count of finished flushes goes to shared memory, an error to the port.
 */
const WORKER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { fd, done, port, gate } = workerData;
Atomics.store(done, 1, 1); // started
port.on('message', ({ target, after }) => {
  if (gate) for (let seen = Atomics.load(gate.words, gate.index); seen < after; seen = Atomics.load(gate.words, gate.index)) Atomics.wait(gate.words, gate.index, seen);
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    port.postMessage(String(e && e.message || e));
  }
  if (Atomics.load(done, 0) < target) Atomics.store(done, 0, target);
  Atomics.notify(done, 0);
});
`;

/**
 * fsync of one file on a worker thread, so a merge copies its next batch while the disk writes
 * back the last one (a synchronous fsync leaves the disk idle while the next batch is read, and
 * the page cache idle while the disk writes). fsync makes every completed write of the file
 * durable, whichever descriptor made it, so the worker flushes a descriptor of its own.
 */
/** A counter in shared memory that a flush waits for: `words[index]` reaches a request's mark once the writes before it are complete. */
export interface FlushGate {
  words: Int32Array;
  index: number;
}

export class BackgroundFlush {
  private readonly fd: number;
  /** [0]: the last flush finished; [1]: 1 once the worker runs. */
  private readonly done = new Int32Array(new SharedArrayBuffer(8));
  private readonly port: MessageChannel['port1'];
  private readonly worker: Worker;
  private requested = 0;

  constructor(
    private readonly path: string,
    private readonly gate?: FlushGate,
  ) {
    this.fd = fs.openSync(path, 'r');
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(WORKER, { eval: true, workerData: { fd: this.fd, done: this.done, port: channel.port2, gate }, transferList: [channel.port2] });
    this.worker.unref();
  }

  /**
   * Starts a flush of everything written so far, or with a gate, of everything written once its
   * counter reaches `after` (writes still queued on another thread); the returned function waits
   * for it (at most `withinMs` when given, saying whether it is done) and throws if it failed.
   */
  start(after = 0): FlushWait {
    const target = ++this.requested;
    this.port.postMessage({ target, after });
    return (withinMs = Infinity) => {
      // A worker starts only once this thread's event loop turns: waiting for one that has not
      // started (a merge of small batches inside one slice) would never end, so flush here instead.
      if (Atomics.load(this.done, 1) === 0) {
        const gate = this.gate;
        if (gate) for (let seen = Atomics.load(gate.words, gate.index); seen < after; seen = Atomics.load(gate.words, gate.index)) Atomics.wait(gate.words, gate.index, seen);
        fs.fsyncSync(this.fd);
        if (Atomics.load(this.done, 0) < target) Atomics.store(this.done, 0, target);
      }
      const until = performance.now() + withinMs;
      for (let seen = Atomics.load(this.done, 0); seen < target; seen = Atomics.load(this.done, 0)) {
        const left = until - performance.now();
        if (left <= 0) return false;
        Atomics.wait(this.done, 0, seen, left);
      }
      const failed = receiveMessageOnPort(this.port);
      if (failed) throw new SnapscopeError('io', `${this.path}: flush failed: ${String(failed.message)}`, { device: this.path });
      return true;
    };
  }

  close(): void {
    void this.worker.terminate();
    this.port.close();
    fs.closeSync(this.fd);
  }
}
