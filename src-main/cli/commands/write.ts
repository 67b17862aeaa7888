import fs from 'node:fs';
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { Command } from '../command.ts';
import { usage } from '../args.ts';
import { requireWritable, withVolume } from '../devices.ts';
import { checkChunk, parseByte, resolveView } from '../view-ref.ts';

export const write: Command = {
  name: 'write',
  summary: 'write to the origin or through a snapshot, copying on write as the kernel does',
  positionals: [
    { name: 'origin', help: 'origin device or image' },
    { name: 'cow', help: 'COW device or image' },
  ],
  options: {
    to: { type: 'string', value: 'origin|SNAP', help: "'origin', or a snapshot by slot, name or UUID" },
    chunk: { type: 'integer', value: 'C', help: 'origin chunk to write' },
    fill: { type: 'string', value: 'BYTE', help: 'fill the chunk (from --offset) with this byte' },
    'data-file': { type: 'string', value: 'F', help: 'write the contents of F (may run into the following chunks)' },
    offset: { type: 'size', value: 'BYTES', help: 'byte offset inside the chunk (default 0)' },
  },
  details: 'The change is committed before the command returns.',
  async run(args, con) {
    const to = args.requireString('to');
    const chunk = args.requireNumber('chunk');
    const offset = args.number('offset') ?? 0;
    const fill = args.string('fill');
    const dataFile = args.string('data-file');
    if ((fill === undefined) === (dataFile === undefined)) throw usage('give exactly one of --fill BYTE or --data-file F', write);
    const fillByte = fill === undefined ? 0 : parseByte(fill, '--fill');
    const data = dataFile === undefined ? null : readDataFile(dataFile);
    // Snapshot writes only read the origin (to copy a chunk the snapshot still shares).
    await withVolume(args.arg('origin'), args.arg('cow'), true, (store) => resolveView(store, to) === 'origin', (store, origin) => {
      requireWritable(store);
      if (offset >= store.chunkBytes) throw usage(`--offset ${offset} is not inside a chunk of ${store.chunkBytes} bytes`, write);
      const view = resolveView(store, to);
      const bytes = data ?? new Uint8Array(store.chunkBytes - offset).fill(fillByte);
      // The whole range is checked before the first write: all of it is written, or nothing.
      const last = chunk + Math.ceil((offset + bytes.length) / store.chunkBytes) - 1;
      try {
        checkChunk(store, origin.size, last);
      } catch (e) {
        if (last === chunk) throw e;
        throw new SnapscopeError('not-found', `${bytes.length} bytes from chunk ${chunk} run to chunk ${last}: ${(e as Error).message}; nothing was written`, { chunk: last });
      }
      let c = chunk;
      let at = offset;
      for (let done = 0; done < bytes.length; c++, at = 0) {
        checkChunk(store, origin.size, c);
        const piece = bytes.subarray(done, done + store.chunkBytes - at);
        if (view === 'origin') store.writeOrigin(origin, c, piece, at);
        else store.writeSnapshot(origin, view, c, piece, at);
        done += piece.length;
      }
      store.commit();
      const target = view === 'origin' ? 'origin' : `snapshot ${to}`;
      con.result({ to: target, chunk, offset, bytes: bytes.length, chunks: c - chunk }, `wrote ${bytes.length} bytes to ${target} at chunk ${chunk}${offset ? ` offset ${offset}` : ''}${c - chunk > 1 ? ` (${c - chunk} chunks)` : ''}`);
    });
  },
};

function readDataFile(path: string): Uint8Array {
  try {
    const data = fs.readFileSync(path);
    if (data.length === 0) throw new SnapscopeError('usage', `--data-file ${path} is empty`);
    return data;
  } catch (e) {
    if (e instanceof SnapscopeError) throw e;
    throw new SnapscopeError('usage', `--data-file ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}
