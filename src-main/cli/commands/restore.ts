import fs from 'node:fs';
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import type { DumpHeader, ExceptionSource, ExceptionVisitor } from '../../../src-core/ir/model.ts';
import { checkRestorable, restore as restoreStore } from '../../../src-core/ir/restore.ts';
import { backupPath, createBackup } from '../../host/access/backup-file.ts';
import { readDumpFile } from '../../host/dump-file.ts';
import { Output, isZero, planOutput } from '../../host/access/outputs.ts';
import { probePath } from '../../host/access/signatures.ts';
import { openInput } from '../../host/access/inputs.ts';
import { inspectTarget } from '../../host/access/target.ts';
import type { FileDevice } from '../../host/file-device.ts';
import { COW } from '../grammar.ts';
import type { Command } from '../command.ts';
import { openDevice } from '../devices.ts';

export const restore: Command = {
  name: 'restore',
  summary: "rewrite a COW's metadata from a dump (data chunks stay where the dump says)",
  positionals: [{ ...COW, help: 'the COW to write: the damaged store itself, a copy of it, or a new file or device' }],
  options: {
    dump: { type: 'string', value: 'F', required: true, help: 'a file written by snapscope dump (JSON or XML)', complete: 'file' },
    backup: { type: 'string', value: 'F', complete: 'file', help: 'where to back up what is overwritten when the COW already holds a store (default <cow>.snapscope-backup; required for a block device)' },
    'data-from': { type: 'string', value: 'COW', complete: 'file', help: 'a new target lacks the data chunks: copy them (the whole device) from this COW first' },
    'metadata-only': { type: 'boolean', help: 'write only the metadata to a new target (its snapshots then read whatever its data chunks hold)' },
    force: { type: 'boolean', short: 'f', help: 'overwrite a target that holds data or a filesystem, or copy --data-from over an existing store' },
    'dry-run': { type: 'boolean', short: 'n', help: 'read and check the dump, say what would be written where; write nothing' },
  },
  details: [
    'A dump holds metadata, not data. Onto a store (the damaged one or a copy): rewritten in place, every',
    'overwritten sector backed up first (undo: snapscope backup-restore <cow> --backup F). Onto a new file or',
    'device: give --data-from ORIGINAL_COW, or --metadata-only; a new file appears only when the restore succeeds.',
    'Interrupted in place (a crash), the store is put back from the backup when it is next opened for writing.',
    'The whole dump is read and checked before the first write.',
  ].join('\n'),
  examples: [
    ['restore /dev/vg/cow --dump cow.json', "rewrite the COW's metadata from cow.json, backing up what it overwrites"],
    ['restore new.cow --dump cow.json --data-from /dev/vg/cow', 'a new COW from the dump, its data chunks copied from the old one'],
  ],
  async run(args, con) {
    const dumpPath = args.arg('dump');
    const cowPath = args.arg('cow');
    const dataFrom = args.string('data-from');
    const source: ExceptionSource = { forEach: (visit) => void readDumpFile(dumpPath, visit) };
    const header = readDumpFile(dumpPath, () => {});
    checkRestorable(header, source); // all-or-nothing: a dump the builder refuses writes nothing
    const bytes = header.chunkBytes * header.chunkCount;
    const inputs = [dumpPath, ...(dataFrom ? [dataFrom] : [])];
    if (args.flag('dry-run')) {
      const plan = holdsStore(cowPath) && dataFrom === undefined ? null : planOutput(cowPath, { inputs, force: true, bytes, protect: 'data' });
      const what = plan
        ? `${plan.action}${plan.holdsData && !args.flag('force') ? ' (needs --force)' : ''}${dataFrom ? `, data from ${dataFrom}` : args.flag('metadata-only') ? ', metadata only' : ' (needs --data-from or --metadata-only)'}`
        : `rewrite the metadata of the store in ${cowPath} in place, backing up what it overwrites to ${backupPath(cowPath, args.string('backup'))}`;
      con.result({ dryRun: true, format: header.format, chunkBytes: header.chunkBytes, chunkCount: header.chunkCount, would: what }, `would ${what}`);
      return;
    }
    if (holdsStore(cowPath) && dataFrom === undefined) {
      const r = inPlace(cowPath, header, source, backupPath(cowPath, args.string('backup')));
      con.result(r, `restored ${r.exceptions} exceptions into ${cowPath} (${r.written} metadata chunks written${r.backup ? `; old contents in ${r.backup}, undo with: snapscope backup-restore ${cowPath} --backup ${r.backup}` : ''})`);
      return;
    }
    if (dataFrom === undefined && !args.flag('metadata-only')) {
      throw new SnapscopeError(
        'usage',
        `${cowPath} holds no store, so it lacks the data chunks the dump points to (every snapshot would read zeros); give --data-from ORIGINAL_COW to copy them, or --metadata-only to write the metadata alone`,
        { device: cowPath },
      );
    }
    // Raw: only its data chunks are read, so a COW marked by an interrupted rewrite (its undo lost) can still give them.
    const src = dataFrom === undefined ? null : openInput(dataFrom, 'COW', false, null, { raw: true }).dev;
    try {
      const out = Output.open(cowPath, { inputs, force: args.flag('force'), bytes, protect: 'data' });
      try {
        const dev = out.device(out.kind === 'block' ? out.plan.target.size : Math.max(bytes, src?.size ?? 0));
        if (src) copyData(src, dev, out.kind === 'file');
        const r = restoreStore(dev, header, source);
        dev.flush();
        out.commit();
        con.result(r, `restored ${r.exceptions} exceptions into ${cowPath} (${r.written} metadata chunks written${src ? `, data from ${dataFrom}` : ', metadata only'})`);
      } finally {
        out.abort();
      }
    } finally {
      src?.close();
    }
  },
};

/** Rewrites the metadata of the store in `cowPath`, backing up every sector it overwrites. */
function inPlace(cowPath: string, header: DumpHeader, source: ExceptionSource, backupPath: string) {
  const cow = openDevice(cowPath, 'COW', true);
  try {
    const backup = createBackup(backupPath, cowPath);
    try {
      const r = restoreStore(backup.wrap(cow), header, source, { undo: backup.undo });
      cow.flush();
      return { ...r, backup: backup.records ? backup.path : null };
    } catch (e) {
      if (!(e instanceof SnapscopeError) || backup.records === 0) throw e;
      throw new SnapscopeError(e.code, `${e.message}; ${cowPath} was partly rewritten; undo with: snapscope backup-restore ${cowPath} --backup ${backup.path}`, e.where);
    } finally {
      backup.close();
    }
  } finally {
    cow.close();
  }
}

function holdsStore(cowPath: string): boolean {
  const t = inspectTarget(cowPath);
  if (t.kind !== 'file' && t.kind !== 'block') return false;
  return probePath(cowPath, t.size).some((s) => s.store && s.offset === 0);
}

function copyData(src: BlockDevice, dst: FileDevice, sparse: boolean): void {
  const buf = new Uint8Array(1 << 20);
  for (let at = 0; at < Math.min(src.size, dst.size); at += buf.length) {
    const piece = buf.subarray(0, Math.min(buf.length, src.size - at, dst.size - at));
    src.read(at, piece);
    if (!sparse || !isZero(piece)) dst.write(at, piece);
  }
}
