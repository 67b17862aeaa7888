import fs from 'node:fs';
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { DumpHeader, ExceptionSource, ExceptionVisitor } from '../../../src-core/ir/model.ts';
import { DumpReader } from '../../../src-core/ir/reader.ts';
import { restore as restoreStore } from '../../../src-core/ir/restore.ts';
import { probeFormat } from '../../../src-core/open.ts';
import { COW } from '../grammar.ts';
import type { Command } from '../command.ts';
import { openDevice } from '../devices.ts';
import { openBackup } from './repair.ts';

export const restore: Command = {
  name: 'restore',
  summary: "rewrite a COW's metadata from a dump (data chunks stay where the dump says)",
  positionals: [{ ...COW, help: 'the COW to write: the damaged one itself, a copy, or a new (sparse) file' }],
  options: {
    dump: { type: 'string', value: 'F', required: true, help: 'a file written by snapscope dump (JSON or XML)', complete: 'file' },
    backup: { type: 'string', value: 'F', complete: 'file', help: 'where to back up what is overwritten when the COW already holds a store (default <cow>.snapscope-backup)' },
  },
  details: 'New tree blocks never land on data chunks the dump names. A COW holding a store is backed up first.',
  examples: [['restore /dev/vg/cow --dump cow.json', "rewrite the COW's metadata from cow.json, backing up what it overwrites"]],
  async run(args, con) {
    const dumpPath = args.arg('dump');
    const cowPath = args.arg('cow');
    const source: ExceptionSource = { forEach: (visit) => void readDump(dumpPath, visit) };
    const header = readDump(dumpPath, () => {});
    if (!fs.existsSync(cowPath)) fs.writeFileSync(cowPath, '');
    if (fs.statSync(cowPath).isFile() && fs.statSync(cowPath).size < header.chunkBytes * header.chunkCount) fs.truncateSync(cowPath, header.chunkBytes * header.chunkCount);
    const cow = openDevice(cowPath, 'COW', true);
    const backup = probeFormat(cow) === null ? null : openBackup(args.string('backup') ?? `${cowPath}.snapscope-backup`);
    try {
      const r = restoreStore(backup ? backup.wrap(cow) : cow, header, source);
      con.result(r, `restored ${r.exceptions} exceptions into ${cowPath} (${r.written} metadata chunks written${backup ? ', old contents backed up' : ''})`);
    } finally {
      backup?.close();
      cow.close();
    }
  },
};

/** Streams the dump file through a DumpReader, 1 MiB at a time. */
function readDump(path: string, visit: ExceptionVisitor): DumpHeader {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw new SnapscopeError('usage', `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { device: path });
  }
  const reader = new DumpReader(path, visit);
  const buf = Buffer.alloc(1 << 20);
  let carry = '';
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      const lines = (carry + buf.toString('utf8', 0, n)).split('\n');
      carry = lines.pop()!;
      for (const line of lines) reader.line(line);
    }
    reader.line(carry);
  } finally {
    fs.closeSync(fd);
  }
  return reader.finish();
}
