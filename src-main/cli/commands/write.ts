import { SnapscopeError, isSnapscopeError } from '../../../src-core/errors.ts';
import { checkOriginWrite, originChunkBytes } from '../../../src-core/origin-chunks.ts';
import { readBounded } from '../../host/read-bounded.ts';
import { COW, ORIGIN, SNAPSHOT } from '../grammar.ts';
import type { Command } from '../command.ts';
import { usage } from '../args.ts';
import { requireWritable, withVolume } from '../devices.ts';
import { parseByte, resolveView } from '../view-ref.ts';
import { interruptibleStep } from '../interrupt.ts';
import { plural } from '../plural.ts';

export const write: Command = {
  name: 'write',
  summary: 'write to the origin or through a snapshot, copying on write as the kernel does',
  positionals: [COW],
  options: {
    origin: ORIGIN,
    snapshot: { ...SNAPSHOT, required: true, value: 'SNAP|origin', help: "where to write: a snapshot (slot, name or UUID), or 'origin'" },
    chunk: { type: 'integer', value: 'C', required: true, help: 'origin chunk to write' },
    fill: { type: 'string', value: 'BYTE', help: 'fill the chunk (from --offset) with this byte (0..255 or 0xNN)' },
    'data-file': { type: 'string', value: 'F', help: 'write the contents of F (may run into the following chunks)', complete: 'file' },
    offset: { type: 'size', value: 'BYTES', help: 'byte offset inside the chunk (default 0)' },
  },
  details: 'Give exactly one of --fill and --data-file. The change is committed before the command returns.',
  examples: [
    ['write /tmp/demo/shared.cow --origin /tmp/demo/origin.img -s origin --chunk 3 --fill 0xff', 'fill origin chunk 3 with 0xff; snapshots that shared it get their own copy first'],
    ['write /tmp/demo/shared.cow --origin /tmp/demo/origin.img -s nightly --chunk 0 --data-file boot.bin', 'write boot.bin into snapshot nightly from chunk 0'],
  ],
  async run(args, con) {
    const to = args.arg('snapshot');
    const chunk = args.requireNumber('chunk');
    const offset = args.number('offset') ?? 0;
    const fill = args.string('fill');
    const dataFile = args.string('data-file');
    if ((fill === undefined) === (dataFile === undefined)) throw usage('give exactly one of --fill BYTE or --data-file F', write);
    const fillByte = fill === undefined ? 0 : parseByte(fill, '--fill');
    // Snapshot writes only read the origin (to copy a chunk the snapshot still shares).
    await interruptibleStep((step) => withVolume(args.arg('origin'), args.arg('cow'), true, (store) => resolveView(store, to) === 'origin', async (store, origin) => {
      requireWritable(store);
      const data = dataFile === undefined ? null : readDataFile(dataFile, origin.size);
      if (offset >= store.chunkBytes) throw usage(`--offset ${offset} is not inside a chunk of ${store.chunkBytes} bytes`, write);
      const view = resolveView(store, to);
      // The whole range is checked before the first write: all of it is written, or nothing. --fill
      // fills the chunk from --offset to its end: the origin's end in a partial last chunk.
      let bytes: Uint8Array;
      try {
        bytes = data ?? new Uint8Array(Math.max(1, originChunkBytes(origin, store.chunkBytes, chunk) - offset)).fill(fillByte);
        checkOriginWrite(origin, store.chunkBytes, chunk, offset, bytes.length);
      } catch (e) {
        if (!isSnapscopeError(e)) throw e;
        throw new SnapscopeError(e.code, `${e.message}; nothing was written`, e.where);
      }
      const target = view === 'origin' ? 'origin' : `snapshot ${to}`;
      const said = (chunks: number) => `wrote ${plural(bytes.length, 'byte')} to ${target} at chunk ${chunk}${offset ? ` offset ${offset}` : ''}${chunks > 1 ? ` (${chunks} chunks)` : ''}`;
      const chunks = await step(() => {
        let c = chunk;
        let at = offset;
        for (let done = 0; done < bytes.length; c++, at = 0) {
          const piece = bytes.subarray(done, done + store.chunkBytes - at);
          try {
            if (view === 'origin') store.writeOrigin(origin, c, piece, at);
            else store.writeSnapshot(origin, view, c, piece, at);
          } catch (e) {
            throw stoppedAt(e, view === 'origin' ? 'origin' : store.format, chunk, c);
          }
          done += piece.length;
        }
        store.commit();
        return c - chunk;
      }, said);
      con.result({ to: target, chunk, offset, bytes: bytes.length, chunks }, said(chunks));
    }));
  },
};

/**
 * A write that failed at chunk `at` (ENOSPC, an I/O error) after it began at `first`: which chunks
 * are written. Each origin chunk's copy is committed before the origin is written, and a persistent
 * store commits each exception, so those before `at` are written; a shared store's snapshot writes
 * reach the disk at its commit, except into copies the snapshot already owned (written in place).
 */
function stoppedAt(e: unknown, what: 'origin' | 'shared' | 'persistent', first: number, at: number): unknown {
  if (!isSnapscopeError(e) || at === first) return e;
  const before = at - 1 === first ? `chunk ${first}` : `chunks ${first}..${at - 1}`;
  const written = what === 'shared' ? `${before} before it are written only where the snapshot already had a copy of its own` : `${before} before it are written`;
  return new SnapscopeError(e.code, `${e.message}; the write stopped at chunk ${at}: ${written}, chunk ${at} and after are not`, e.where);
}

/** The data to write: more than the whole origin could never fit, so reading stops there (/dev/zero). */
function readDataFile(path: string, originBytes: number): Uint8Array {
  try {
    const data = readBounded(path, Math.max(originBytes, 1));
    if (data === null) throw new SnapscopeError('usage', `--data-file ${path} holds more than the origin's ${originBytes} bytes; nothing was written`, { device: path });
    if (data.length === 0) throw new SnapscopeError('usage', `--data-file ${path} is empty`);
    return data;
  } catch (e) {
    if (e instanceof SnapscopeError) throw e;
    throw new SnapscopeError('usage', `--data-file ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
