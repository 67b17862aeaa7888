import fs from 'node:fs';
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import type { ExceptionStore } from '../../../src-core/store.ts';
import { readViewChunk, type View } from '../../../src-core/view.ts';
import { COW, ORIGIN, SNAPSHOT } from '../grammar.ts';
import type { Command } from '../command.ts';
import { withVolume } from '../devices.ts';
import { checkChunk, resolveView } from '../view-ref.ts';

export const read: Command = {
  name: 'read',
  summary: 'read the origin or a snapshot as an image (sparse), or one chunk of it',
  positionals: [COW],
  options: {
    origin: ORIGIN,
    snapshot: { ...SNAPSHOT, required: true, value: 'SNAP|origin', help: "what to read: a snapshot (slot, name or UUID), or 'origin'" },
    chunk: { type: 'integer', value: 'C', help: 'read only this origin chunk' },
    out: { type: 'string', value: 'F', required: true, help: 'file to write (replaced)', complete: 'file' },
  },
  examples: [
    ['read /tmp/demo/shared.cow --origin /tmp/demo/origin.img -s nightly --out nightly.img', 'snapshot nightly as a sparse image file'],
    ['read /tmp/demo/shared.cow --origin /tmp/demo/origin.img -s origin --chunk 7 --out c7.bin', 'origin chunk 7 alone'],
  ],
  run: (args, con) =>
    withVolume(args.arg('origin'), args.arg('cow'), false, () => false, (store, origin) => {
      const view = resolveView(store, args.arg('snapshot'));
      const out = args.arg('out');
      const chunk = args.number('chunk');
      if (chunk !== undefined) checkChunk(store, origin.size, chunk);
      const written = chunk === undefined ? readImage(store, origin, view, out) : readOneChunk(store, origin, view, chunk, out);
      con.result({ out, bytes: written }, `wrote ${written} bytes to ${out}`);
    }),
};

function readOneChunk(store: ExceptionStore, origin: BlockDevice, view: View, chunk: number, out: string): number {
  const buf = new Uint8Array(Math.min(store.chunkBytes, origin.size - chunk * store.chunkBytes));
  readRange(store, origin, view, chunk, buf);
  writeOut(out, (fd) => fs.writeSync(fd, buf));
  return buf.length;
}

/** The whole view, origin-sized; all-zero chunks are skipped, so the image is sparse. */
function readImage(store: ExceptionStore, origin: BlockDevice, view: View, out: string): number {
  const cb = store.chunkBytes;
  const batchChunks = Math.max(1, Math.floor((1 << 20) / cb));
  const buf = new Uint8Array(batchChunks * cb);
  writeOut(out, (fd) => {
    for (let first = 0; first * cb < origin.size; first += batchChunks) {
      const bytes = Math.min(buf.length, origin.size - first * cb);
      const batch = buf.subarray(0, bytes);
      readRange(store, origin, view, first, batch);
      for (let at = 0; at < bytes; at += cb) {
        const piece = batch.subarray(at, Math.min(at + cb, bytes));
        if (!isZero(piece)) fs.writeSync(fd, piece, 0, piece.length, first * cb + at);
      }
    }
    fs.ftruncateSync(fd, origin.size);
  });
  return origin.size;
}

/** Fills `dst` from origin chunk `first` on: one origin read, then the view's exceptions over it. */
function readRange(store: ExceptionStore, origin: BlockDevice, view: View, first: number, dst: Uint8Array): void {
  const cb = store.chunkBytes;
  origin.read(first * cb, dst);
  if (view === 'origin') return;
  const whole = new Uint8Array(cb);
  for (let at = 0; at < dst.length; at += cb) {
    const c = first + at / cb;
    if (store.lookup(view, c) < 0) continue;
    readViewChunk(store, origin, view, c, whole);
    dst.set(whole.subarray(0, Math.min(cb, dst.length - at)), at);
  }
}

function isZero(b: Uint8Array): boolean {
  const words = new Uint32Array(b.buffer, b.byteOffset, b.length >> 2);
  for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
  for (let i = words.length << 2; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function writeOut(path: string, fill: (fd: number) => void): void {
  let fd: number;
  try {
    fd = fs.openSync(path, 'w');
  } catch (e) {
    throw new SnapscopeError('io', `cannot write ${path}: ${(e as Error).message}`, { device: path });
  }
  try {
    fill(fd);
  } finally {
    fs.closeSync(fd);
  }
}
