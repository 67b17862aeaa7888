import fs from 'node:fs';
import { isSnapscopeError, SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import type { ExceptionStore } from '../../../src-core/store.ts';
import { readViewChunk, type View } from '../../../src-core/view.ts';
import type { Command } from '../command.ts';
import { withVolume } from '../devices.ts';
import { checkChunk, resolveView } from '../view-ref.ts';

export const read: Command = {
  name: 'read',
  summary: 'read the origin or a snapshot as an image (sparse), or one chunk of it',
  positionals: [
    { name: 'origin', help: 'origin device or image' },
    { name: 'cow', help: 'COW device or image' },
  ],
  options: {
    from: { type: 'string', value: 'origin|SNAP', help: "'origin', or a snapshot by slot, name or UUID" },
    chunk: { type: 'integer', value: 'C', help: 'read only this origin chunk' },
    out: { type: 'string', value: 'F', help: 'file to write (replaced)' },
    force: { type: 'boolean', help: 'forensic: read a snapshot a repair marked damaged, and chunks of a damaged store whose mapping cannot be proven (from the origin)' },
  },
  details: 'A damaged store (see check) is read where its tree still proves the snapshot\'s mapping; other chunks are named, and only --force reads them (from the origin).',
  run: (args, con) =>
    withVolume(
      args.arg('origin'),
      args.arg('cow'),
      false,
      () => false,
      (store, origin) => {
        const view = resolveView(store, args.requireString('from'));
        const out = args.requireString('out');
        const chunk = args.number('chunk');
        if (chunk !== undefined) checkChunk(store, origin.size, chunk);
        const unproven: number[] = [];
        // Chunks whose mapping the damaged tree cannot prove: refused before anything is written, or read from the origin with --force.
        const mapped = (c: number) => {
          try {
            return store.lookup(view as number, c) >= 0;
          } catch (e) {
            if (!isSnapscopeError(e) || e.code !== 'corrupt' || e.where.path === undefined) throw e;
            unproven.push(c);
            return false;
          }
        };
        if (view !== 'origin' && store.damaged && !args.flag('force')) {
          const last = chunk ?? Math.ceil(origin.size / store.chunkBytes) - 1;
          for (let c = chunk ?? 0; c <= last; c++) mapped(c);
          if (unproven.length) throw new SnapscopeError('corrupt', `the store is damaged: snapshot ${view}'s mapping of origin chunk${unproven.length === 1 ? '' : 's'} ${describe(unproven)} cannot be proven (run snapscope check; --force reads the origin there)`, { device: store.cow.name });
        }
        const written = chunk === undefined ? readImage(store, origin, view, out, mapped) : readOneChunk(store, origin, view, chunk, out, mapped);
        if (unproven.length) con.note(`warning: read the origin for origin chunks ${describe(unproven)}: the damaged tree cannot prove the snapshot's mapping there`);
        con.result({ out, bytes: written, ...(unproven.length ? { unproven } : {}) }, `wrote ${written} bytes to ${out}`);
      },
      { tolerateDamage: true, force: args.flag('force') },
    ),
};

function describe(chunks: number[]): string {
  return chunks.length > 20 ? `${chunks.slice(0, 20).join(', ')} and ${chunks.length - 20} more` : chunks.join(', ');
}

type Mapped = (chunk: number) => boolean;

function readOneChunk(store: ExceptionStore, origin: BlockDevice, view: View, chunk: number, out: string, mapped: Mapped): number {
  const buf = new Uint8Array(Math.min(store.chunkBytes, origin.size - chunk * store.chunkBytes));
  readRange(store, origin, view, chunk, buf, mapped);
  writeOut(out, (fd) => fs.writeSync(fd, buf));
  return buf.length;
}

/** The whole view, origin-sized; all-zero chunks are skipped, so the image is sparse. */
function readImage(store: ExceptionStore, origin: BlockDevice, view: View, out: string, mapped: Mapped): number {
  const cb = store.chunkBytes;
  const batchChunks = Math.max(1, Math.floor((1 << 20) / cb));
  const buf = new Uint8Array(batchChunks * cb);
  writeOut(out, (fd) => {
    for (let first = 0; first * cb < origin.size; first += batchChunks) {
      const bytes = Math.min(buf.length, origin.size - first * cb);
      const batch = buf.subarray(0, bytes);
      readRange(store, origin, view, first, batch, mapped);
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
function readRange(store: ExceptionStore, origin: BlockDevice, view: View, first: number, dst: Uint8Array, mapped: Mapped): void {
  const cb = store.chunkBytes;
  origin.read(first * cb, dst);
  if (view === 'origin') return;
  const whole = new Uint8Array(cb);
  for (let at = 0; at < dst.length; at += cb) {
    const c = first + at / cb;
    if (!mapped(c)) continue;
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
