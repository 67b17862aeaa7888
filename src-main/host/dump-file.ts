/** A dump file read as text for the streaming DumpReader: the CLI restore and the API restore job read it alike. */
import fs from 'node:fs';
import { SnapscopeError } from '../../src-core/errors.ts';
import type { DumpHeader, ExceptionVisitor } from '../../src-core/ir/model.ts';
import { DumpReader } from '../../src-core/ir/reader.ts';

/** Reads the whole dump file through a DumpReader, 1 MiB at a time (the builders read it twice). */
export function readDumpFile(path: string, visit: ExceptionVisitor, name = path): DumpHeader {
  const fd = openDump(path);
  const reader = new DumpReader(name, visit);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const buf = Buffer.alloc(1 << 20);
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) reader.write(decodeDump(utf8, name, buf.subarray(0, n), true));
    reader.write(decodeDump(utf8, name, new Uint8Array(0), false));
  } finally {
    fs.closeSync(fd);
  }
  return reader.finish();
}

/** One piece of the dump's bytes as text; `more` while a character may straddle into the next piece. */
export function decodeDump(utf8: TextDecoder, name: string, bytes: Uint8Array, more: boolean): string {
  try {
    return utf8.decode(bytes, { stream: more });
  } catch {
    throw new SnapscopeError('usage', `${name}: not UTF-8 text: not a dump`, { device: name });
  }
}

export function openDump(path: string): number {
  try {
    return fs.openSync(path, 'r');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new SnapscopeError(missing ? 'not-found' : 'io', `dump ${path}: ${missing ? 'no such file' : (e as Error).message}`, { device: path });
  }
}
