import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { SnapscopeError } from '../../src-core/errors.ts';
import type { FlushWait } from '../../src-core/merge-result.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import { ForwardingDevice } from '../../src-core/io/forwarding-device.ts';
import { checkRange } from '../../src-core/io/memory-device.ts';
import { BackgroundFlush } from './background-flush.ts';
import { ALIGN, DirectWriter, openDirect, probeAlignment } from './direct-writer.ts';
import { FileDevice, ioError } from './file-device.ts';

/** Buffers the writer thread takes from: one filled while the others are written. */
const SLOTS = 4;
const SLOT_BYTES = 8 << 20;
/** Control words: jobs posted, jobs done, the worker runs, a write failed, the failure message's length. */
const POSTED = 0;
const DONE = 1;
const STARTED = 2;
const FAILED = 3;
const MESSAGE = 4;
const MESSAGE_BYTES = 1024;
/**
 * Bytes queued between two background fsyncs nobody waits for: they start the write-back early.
 * A loop device (or a file system that delays allocation) holds O_DIRECT writes in the page cache
 * of what is under it, and a merge's flush would write them all back while nothing else moves.
 */
const EARLY_FLUSH_BYTES = 64 << 20;

/**
 * The writer thread: takes jobs (where in memory, offset, length; a negative length stops it) in
 * order and writes each with pwrite on the O_DIRECT descriptor. After a failure it writes nothing more
 * and keeps counting jobs done, so the waits end and the first failure is reported.
 */
const WORKER = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { fd, ctl, jobs, memory, message } = workerData;
const bytes = Buffer.from(memory);
Atomics.store(ctl, ${STARTED}, 1);
for (;;) {
  const done = Atomics.load(ctl, ${DONE});
  while (Atomics.load(ctl, ${POSTED}) === done) Atomics.wait(ctl, ${POSTED}, done);
  const j = (done % ${SLOTS}) * 3;
  const [at, offset, length] = [jobs[j], jobs[j + 1], jobs[j + 2]];
  if (length < 0) break;
  if (Atomics.load(ctl, ${FAILED}) === 0) {
    try {
      for (let n = 0; n < length; ) n += fs.writeSync(fd, bytes, at + n, length - n, offset + n);
    } catch (e) {
      const text = Buffer.from('at offset ' + offset + ': ' + String((e && e.message) || e)).subarray(0, ${MESSAGE_BYTES});
      text.copy(Buffer.from(message.buffer));
      Atomics.store(ctl, ${MESSAGE}, text.length);
      Atomics.store(ctl, ${FAILED}, 1);
    }
  }
  Atomics.store(ctl, ${DONE}, done + 1);
  Atomics.notify(ctl, ${DONE});
}
`;

/**
 * A FileDevice whose bulk writes (writeThrough, a merge's data) go past the page cache on a writer
 * thread, so the caller reads the next piece while the last one is written: one synchronous thread
 * that reads, then writes, left the disk idle during every read. `throughBuffer` hands out one of
 * SLOTS aligned buffers in shared memory (waiting until its last write is done); `writeThrough`
 * of it queues the write and returns. Writes leave in the order given, one at a time (as `dd`
 * does: more in flight did not make this disk faster). Every other operation — read, write,
 * flush, close — first waits for the queued writes, so the device behaves as the file it wraps:
 * a read sees what was written, and after `flush` every write is durable. A failed write throws
 * from the call that waits for it (at the latest, the `flush` before a merge commits). The writer
 * and flush threads start with the device, so their start-up overlaps the merge's plan walk; until
 * the writer runs, writes are made on the calling thread.
 */
export class WriteBehindDevice extends ForwardingDevice {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(4 * 5));
  private readonly jobs = new Float64Array(new SharedArrayBuffer(8 * 3 * SLOTS));
  private readonly message = new Uint8Array(new SharedArrayBuffer(MESSAGE_BYTES));
  private readonly memory: Buffer;
  /** The job number that last used each slot: the slot is free once that many jobs are done. */
  private readonly slotJob = new Array<number>(SLOTS).fill(0);
  private next = 0;
  private posted = 0;
  /** Where in `memory` the aligned slots start: null until the first write found it, -1 when no place was aligned. */
  private base: number | null = null;
  /** null after release. */
  private worker: Worker | null;
  /** fsyncs on a thread of their own, each once the writes queued before it are complete (startFlush). */
  private flusher: BackgroundFlush | null;
  private queuedSinceFlush = 0;

  private constructor(
    file: FileDevice,
    private readonly fd: number,
  ) {
    super(file);
    this.memory = Buffer.from(new SharedArrayBuffer(SLOTS * SLOT_BYTES + ALIGN));
    this.worker = this.startWorker();
    this.flusher = new BackgroundFlush(this.name, { words: this.ctl, index: DONE });
  }

  /**
   * `origin` with its bulk writes behind, or null where that cannot be (not a FileDevice, read-only,
   * O_DIRECT refused): the caller then uses `origin` as it is. Where no slot alignment is found on
   * the first write, writes go buffered and in line.
   */
  static over(origin: BlockDevice): WriteBehindDevice | null {
    if (!(origin instanceof FileDevice) || origin.readOnly) return null;
    const fd = openDirect(origin.handle());
    if (fd === null) return null;
    try {
      return new WriteBehindDevice(origin, fd);
    } catch {
      fs.closeSync(fd);
      return null;
    }
  }

  /** Whether the writer thread runs yet (until it does, writes are made in line); tests wait for it. */
  get writerStarted(): boolean {
    return Atomics.load(this.ctl, STARTED) === 1;
  }

  override read(offset: number, dst: Uint8Array): void {
    this.drain();
    super.read(offset, dst);
  }

  override write(offset: number, src: Uint8Array): void {
    this.drain();
    super.write(offset, src);
  }

  /** Queues `src` (copied into a slot unless it is the one throughBuffer gave); buffered and in line when not aligned for O_DIRECT. */
  writeThrough(offset: number, src: Uint8Array): void {
    if (this.readOnly) throw new SnapscopeError('read-only', `${this.name} is open read-only`, { device: this.name });
    checkRange(this, offset, src.length);
    const base = DirectWriter.fits(offset, src.length) ? this.aligned(offset, src) : -1;
    if (base < 0) return this.write(offset, src);
    for (let at = 0; at < src.length; at += SLOT_BYTES) {
      const piece = src.subarray(at, Math.min(src.length, at + SLOT_BYTES));
      let slot = this.slotOf(piece);
      if (slot < 0) {
        slot = this.take();
        this.memory.set(piece, base + slot * SLOT_BYTES);
      }
      this.post(slot, offset + at, piece.length);
    }
  }

  /** The next slot, once its last write is done (null before the first write found the alignment): reading the data into it saves a copy. */
  throughBuffer(bytes: number): Uint8Array | null {
    if (bytes > SLOT_BYTES || this.base === null || this.base < 0) return null;
    const slot = this.take();
    return this.memory.subarray(this.base + slot * SLOT_BYTES, this.base + slot * SLOT_BYTES + bytes);
  }

  override flush(): void {
    this.drain();
    super.flush();
  }

  /** Waits for every queued write; throws the first that failed. */
  drain(): void {
    this.waitDone(this.posted);
    this.check();
  }

  /**
   * Starts making every write queued so far durable, on another thread once they are complete,
   * and returns a function that waits for it (FlushWait) and throws if it or one of the writes failed (a
   * shared merge's batch: this thread goes on to the next one meanwhile).
   */
  startFlush(): FlushWait {
    this.queuedSinceFlush = 0;
    if (!this.flusher) throw new SnapscopeError('io', `${this.name}: its writer was released`, { device: this.name });
    const wait = this.flusher.start(this.posted);
    return (withinMs) => {
      if (!wait(withinMs)) return false;
      this.check();
      return true;
    };
  }

  /** Throws the first write that failed, if one did. */
  check(): void {
    if (Atomics.load(this.ctl, FAILED) === 0) return;
    const text = Buffer.from(this.message.subarray(0, Atomics.load(this.ctl, MESSAGE))).toString();
    throw new SnapscopeError('io', `I/O error on ${this.name} ${text}`, { device: this.name });
  }

  /**
   * Stops the writer thread after the queued writes (the wrapped device stays open: its owner
   * closes it). It reports no failure: a merge that finished has flushed, and so has seen every
   * failure; one cancelled between two pieces never retires the data still queued.
   */
  release(): void {
    if (this.worker === null) return;
    this.waitDone(this.posted);
    this.flusher?.close();
    this.flusher = null;
    this.postJob(0, 0, -1);
    void this.worker.terminate();
    this.worker = null;
    fs.closeSync(this.fd);
  }

  override close(): void {
    this.release();
    super.close();
  }

  /** The aligned start of the slots, found on the first write (probeAlignment); -1 where none is. */
  private aligned(offset: number, src: Uint8Array): number {
    if (this.base !== null) return this.base;
    this.base = -1;
    try {
      this.base = probeAlignment(this.fd, this.memory, offset, src) ?? -1;
    } catch (e) {
      throw ioError(this.name, e, offset);
    }
    return this.base;
  }

  /** The slot `piece` is (the start of a slot's memory), or -1. */
  private slotOf(piece: Uint8Array): number {
    if (piece.buffer !== this.memory.buffer || this.base === null) return -1;
    const at = piece.byteOffset - this.memory.byteOffset - this.base;
    return at >= 0 && at % SLOT_BYTES === 0 ? at / SLOT_BYTES : -1;
  }

  /** The next slot in turn, waiting for its last write. */
  private take(): number {
    const slot = this.next;
    this.next = (slot + 1) % SLOTS;
    this.waitDone(this.slotJob[slot]!);
    return slot;
  }

  private post(slot: number, offset: number, length: number): void {
    if (this.worker === null) throw new SnapscopeError('io', `${this.name}: its writer was released`, { device: this.name });
    const at = this.base! + slot * SLOT_BYTES;
    if (Atomics.load(this.ctl, STARTED) === 0) {
      // The thread starts within tens of milliseconds; until then write here, in order after what is queued.
      try {
        for (let n = 0; n < length; ) n += fs.writeSync(this.fd, this.memory, at + n, length - n, offset + n);
      } catch (e) {
        throw ioError(this.name, e, offset);
      }
      return;
    }
    this.postJob(at, offset, length);
    this.slotJob[slot] = this.posted;
    this.queuedSinceFlush += length;
    if (this.queuedSinceFlush >= EARLY_FLUSH_BYTES) this.startFlush(); // waited for by none: a failure is thrown by the next wait, or seen by flush's fsync
  }

  private startWorker(): Worker {
    const workerData = { fd: this.fd, ctl: this.ctl, jobs: this.jobs, memory: this.memory.buffer, message: this.message };
    const worker = new Worker(WORKER, { eval: true, workerData });
    worker.unref();
    return worker;
  }

  private postJob(at: number, offset: number, length: number): void {
    this.waitDone(this.posted - SLOTS + 1);
    const j = (this.posted % SLOTS) * 3;
    this.jobs[j] = at;
    this.jobs[j + 1] = offset;
    this.jobs[j + 2] = length;
    Atomics.store(this.ctl, POSTED, ++this.posted);
    Atomics.notify(this.ctl, POSTED);
  }

  private waitDone(job: number): void {
    for (let done = Atomics.load(this.ctl, DONE); done < job; done = Atomics.load(this.ctl, DONE)) Atomics.wait(this.ctl, DONE, done);
  }
}
