import type { RestoreResultDto } from '../../../src-core/api/dto.ts';
import { isSnapscopeError, SnapscopeError } from '../../../src-core/errors.ts';
import { restoreTask } from '../../host/restore-task.ts';
import { COW, PROGRESS } from '../grammar.ts';
import type { Command } from '../command.ts';
import { runJob } from '../run-job.ts';
import { plural } from '../plural.ts';

export const restore: Command = {
  name: 'restore',
  summary: "rewrite a COW's metadata from a dump (data chunks stay where the dump says)",
  positionals: [{ ...COW, help: 'the COW to write: the damaged store itself, a copy of it, or a new file or device' }],
  options: {
    dump: { type: 'string', value: 'F', required: true, help: 'a file written by snapscope dump (JSON or XML)', complete: 'file' },
    backup: { type: 'string', value: 'F', complete: 'file', help: 'where to back up what is overwritten when the COW already holds a store (default <cow>.snapscope-backup; required for a block device)' },
    'data-from': { type: 'string', value: 'COW', complete: 'file', help: 'a new target lacks the data chunks: copy them (the whole device) from this COW first' },
    'metadata-only': { type: 'boolean', help: 'write only the metadata to a new target (its snapshots then read whatever its data chunks hold)' },
    force: { type: 'boolean', short: 'f', help: 'overwrite a target that holds data or a filesystem, copy --data-from over an existing store, or rewrite a store of another format or chunk size than the dump' },
    'dry-run': { type: 'boolean', short: 'n', help: 'read and check the dump, say what would be written where; write nothing' },
    ...PROGRESS,
  },
  details: [
    'A dump holds metadata, not data. Onto a store (the damaged one or a copy): rewritten in place, every',
    'overwritten sector backed up first (undo: snapscope backup-restore <cow> --backup F). Onto a new file or',
    'device: give --data-from ORIGINAL_COW, or --metadata-only; a new file appears only when the restore succeeds.',
    'Interrupted in place (a crash), the store is put back from the backup when it is next opened for writing.',
    'The whole dump is read and checked before the first write; a dry run refuses what the restore would refuse.',
    'JSON: {dryRun, format, chunkBytes, chunkCount, exceptions, snapshots, target, mode (in-place|new), would,',
    'overwrites, needsForce, backup, written}, as the API restore job gives it.',
  ].join('\n'),
  examples: [
    ['restore /dev/vg/cow --dump cow.json', "rewrite the COW's metadata from cow.json, backing up what it overwrites"],
    ['restore new.cow --dump cow.json --data-from /dev/vg/cow', 'a new COW from the dump, its data chunks copied from the old one'],
  ],
  async run(args, con) {
    const cow = args.arg('cow');
    const dataFrom = args.string('data-from');
    // The API's restore job: one decision (in place or a new target), one set of refusals, one write.
    const task = restoreTask({
      dump: args.arg('dump'),
      target: cow,
      session: null,
      dataFrom,
      metadataOnly: args.flag('metadata-only'),
      force: args.flag('force'),
      backup: args.string('backup'),
      dryRun: args.flag('dry-run'),
      helper: null,
      onNote: (note) => con.note(`snapscope: note: ${note}`),
    });
    let r: RestoreResultDto;
    try {
      r = await runJob(task, con, args);
    } catch (e) {
      // Ctrl-C cancels the job between its steps: said as the other writers say it, with what the target holds.
      if (isSnapscopeError(e) && e.code === 'cancelled') throw new SnapscopeError('cancelled', `interrupted; ${task.leftByCancel()}`, e.where);
      throw e;
    }
    con.result(r, () => renderRestore(r, dataFrom));
  },
};

function renderRestore(r: RestoreResultDto, dataFrom: string | undefined): string {
  if (r.dryRun) return `would ${r.would}${r.needsForce ? ' (needs --force)' : ''}`;
  const where = r.mode === 'in-place' ? (r.backup ? `; old contents in ${r.backup}, undo with: snapscope backup-restore ${r.target} --backup ${r.backup}` : '') : dataFrom ? `, data from ${dataFrom}` : ', metadata only';
  return `restored ${plural(r.exceptions, 'exception')} into ${r.target} (${plural(r.written, 'metadata chunk')} written${where})`;
}
