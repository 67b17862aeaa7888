import { isatty } from 'node:tty';
import { isSnapscopeError, SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import type { ExceptionStore } from '../../../src-core/store.ts';
import { originChunkBytes } from '../../../src-core/origin-chunks.ts';
import { readViewChunk, type View } from '../../../src-core/view.ts';
import type { Output } from '../../host/access/outputs.ts';
import { CopyReader } from '../../host/copy-reader.ts';
import { COW, ORIGIN, SNAPSHOT } from '../grammar.ts';
import type { Command } from '../command.ts';
import { withVolume } from '../devices.ts';
import { withInterruptibleOutput, type Interruption } from '../interrupt.ts';
import { resolveView } from '../view-ref.ts';
import { noun, plural } from '../plural.ts';

export const read: Command = {
  name: 'read',
  summary: 'read the origin or a snapshot as an image (sparse), or one chunk of it',
  positionals: [COW],
  options: {
    origin: ORIGIN,
    snapshot: { ...SNAPSHOT, required: true, value: 'SNAP|origin', help: "what to read: a snapshot (slot, name or UUID), or 'origin'" },
    chunk: { type: 'integer', value: 'C', help: 'read only this origin chunk' },
    out: { type: 'string', value: 'F', required: true, help: "file or device to write ('-' is stdout); a file is replaced only when the read succeeds", complete: 'file' },
    force: { type: 'boolean', short: 'f', help: 'overwrite an --out that holds data, a store or a filesystem' },
    forensic: { type: 'boolean', help: 'read a snapshot a repair marked damaged, chunks of a damaged store whose mapping cannot be proven (from the origin), and with an origin too small for the snapshot (without the copies past its end)' },
  },
  details: [
    "A damaged store (see check) is read where its tree still proves the snapshot's mapping; other chunks are named, and only --forensic reads them (from the origin).",
    'A new image file is sparse. A block device is written in full, every chunk, and must be at least as large.',
    '--out may not be the origin or the COW (by inode or device, through symlinks).',
  ].join('\n'),
  examples: [
    ['read /tmp/demo/shared.cow --origin /tmp/demo/origin.img -s nightly --out nightly.img', 'snapshot nightly as a sparse image file'],
    ['read /tmp/demo/shared.cow --origin /tmp/demo/origin.img -s origin --chunk 7 --out c7.bin', 'origin chunk 7 alone'],
  ],
  run: (args, con) => {
    const [originPath, cowPath] = [args.arg('origin'), args.arg('cow')];
    const outPath = args.arg('out');
    if (outPath === '-' && isatty(1)) throw new SnapscopeError('usage', '--out - would write a disk image to the terminal; redirect it to a file or a pipe');
    const forensic = args.flag('forensic');
    return withVolume(originPath, cowPath, false, () => false, async (store, origin) => {
      const view = resolveView(store, args.arg('snapshot'));
      const chunk = args.number('chunk');
      // The last chunk may be partial: its bytes up to the origin's end (src-core/origin-chunks.ts).
      const chunkBytes = chunk === undefined ? 0 : originChunkBytes(origin, store.chunkBytes, chunk);
      const unproven: number[] = [];
      // A damaged store: chunks whose mapping the tree cannot prove are refused before anything is written (--forensic: the origin there).
      const mapped: Mapped = (c) => {
        try {
          return store.lookup(view as number, c) >= 0;
        } catch (e) {
          if (!isSnapscopeError(e) || e.code !== 'corrupt' || e.where.path === undefined) throw e;
          unproven.push(c);
          return false;
        }
      };
      if (view !== 'origin' && store.damaged && !forensic) {
        const last = chunk ?? Math.ceil(origin.size / store.chunkBytes) - 1;
        for (let c = chunk ?? 0; c <= last; c++) mapped(c);
        const n = unproven.length;
        if (n) throw new SnapscopeError('corrupt', `the store is damaged: snapshot ${view}'s mapping of origin ${noun(n, 'chunk')} ${describe(unproven)} cannot be proven (run snapscope check; --forensic reads the origin there)`, { device: store.cow.name });
      }
      if (view !== 'origin' && chunk === undefined && !forensic) refuseShortOrigin(store, origin, view);
      const bytes = chunk === undefined ? origin.size : chunkBytes;
      const rules = { inputs: [originPath, cowPath], force: args.flag('force'), bytes, protect: 'data' as const };
      await withInterruptibleOutput(outPath, rules, async (out, stop) => {
        if (chunk === undefined) await readImage(store, origin, view, out, mapped, stop);
        else {
          const buf = new Uint8Array(bytes);
          readRange(store, origin, origin, view, chunk, buf, mapped);
          out.append(buf);
        }
      });
      if (unproven.length) con.note(`warning: read the origin for origin chunks ${describe(unproven)}: the damaged tree cannot prove the snapshot's mapping there`);
      // Standard output carries the image itself: the summary is left off.
      if (outPath !== '-') con.result({ out: outPath, bytes, ...(unproven.length ? { unproven } : {}) }, `wrote ${plural(bytes, 'byte')} to ${outPath}`);
    }, { tolerateDamage: true, force: forensic });
  },
};

type Mapped = (chunk: number) => boolean;

/**
 * The image is the origin's size: a copy of a chunk past the origin's end would be left out
 * silently. Such an origin is the wrong one, or one that shrank; merge refuses it with these words.
 */
function refuseShortOrigin(store: ExceptionStore, origin: BlockDevice, slot: number): void {
  const bit = 1n << BigInt(slot);
  let last = -1;
  try {
    store.forEachException((o, _chunk, slots) => {
      if ((slots & bit) !== 0n && o > last) last = o;
    });
  } catch (e) {
    // A damaged tree: what it cannot walk the read itself names.
    if (!isSnapscopeError(e) || e.code !== 'corrupt') throw e;
  }
  if (last >= 0 && last * store.chunkBytes >= origin.size)
    throw new SnapscopeError('usage', `the origin ${origin.name} (${origin.size} bytes) is too small: snapshot ${slot} has a copy of origin chunk ${last} (wrong origin?); --forensic reads the image without it`, {
      device: origin.name,
      chunk: last,
    });
}

function describe(chunks: number[]): string {
  return chunks.length > 20 ? `${chunks.slice(0, 20).join(', ')} and ${chunks.length - 20} more` : chunks.join(', ');
}

/**
 * The whole view, origin-sized, in 1 MiB batches; all-zero chunks stay holes in a new file. Ctrl-C
 * stops it between batches. The origin is read start to end through a CopyReader: a sparse
 * origin's holes stay out of the page cache.
 */
async function readImage(store: ExceptionStore, origin: BlockDevice, view: View, out: Output, mapped: Mapped, stop: Interruption): Promise<void> {
  const cb = store.chunkBytes;
  const batchChunks = Math.max(1, Math.floor((1 << 20) / cb));
  const buf = new Uint8Array(batchChunks * cb);
  const reader = new CopyReader(origin);
  try {
    for (let first = 0; first * cb < origin.size; first += batchChunks) {
      const bytes = Math.min(buf.length, origin.size - first * cb);
      const batch = buf.subarray(0, bytes);
      readRange(store, origin, reader, view, first, batch, mapped);
      for (let at = 0; at < bytes; at += cb) out.append(batch.subarray(at, Math.min(at + cb, bytes)), true);
      await stop.pause();
    }
  } finally {
    reader.close();
  }
}

/** Fills `dst` from origin chunk `first` on: one origin read (through `reader`), then the view's exceptions over it. */
function readRange(store: ExceptionStore, origin: BlockDevice, reader: Pick<BlockDevice, 'read'>, view: View, first: number, dst: Uint8Array, mapped: Mapped): void {
  const cb = store.chunkBytes;
  reader.read(first * cb, dst);
  if (view === 'origin') return;
  const whole = new Uint8Array(cb);
  for (let at = 0; at < dst.length; at += cb) {
    const c = first + at / cb;
    if (!mapped(c)) continue;
    readViewChunk(store, origin, view, c, whole);
    dst.set(whole.subarray(0, Math.min(cb, dst.length - at)), at);
  }
}
