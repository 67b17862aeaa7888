import { SnapscopeError } from '../../../src-core/errors.ts';
import { interruptedRewrite, sameUndoId, writeBack } from '../../../src-core/persistent/restore-intent.ts';
import { imageIdentity, readBackup, type Backup } from '../../host/access/backup-file.ts';
import { assertWouldWrite, openInput } from '../../host/access/inputs.ts';
import type { Command } from '../command.ts';
import { COW } from '../grammar.ts';
import { interruptibleStep } from '../interrupt.ts';
import { plural } from '../plural.ts';

export const backupRestore: Command = {
  name: 'backup-restore',
  summary: 'undo an in-place repair or restore: write the old contents from its backup file back',
  positionals: [{ ...COW, help: 'the COW device or image the backup was taken of' }],
  options: {
    backup: { type: 'string', value: 'F', required: true, complete: 'file', help: 'the backup file (<cow>.snapscope-backup, or what --backup named)' },
    'dry-run': { type: 'boolean', short: 'n', help: 'check the backup against the COW and say what would be written' },
    force: { type: 'boolean', short: 'f', help: 'write it back to an image file other than the one it was taken of (a copy of it)' },
  },
  details: [
    'Every record is checked against the COW before the first write. The backup file is kept.',
    'A backup names the size of the device it saved, and the image file it was taken of: another size is refused, another file without --force.',
    'A record cut short at the end (a crash while it was saved) is left out: its write never happened.',
  ].join('\n'),
  examples: [['backup-restore /dev/vg/cow --backup /dev/vg/cow.snapscope-backup --dry-run', 'check the backup against the COW before writing it back']],
  run(args, con) {
    const backupPath = args.arg('backup');
    const cowPath = args.arg('cow');
    const records = readBackup(backupPath);
    const dryRun = args.flag('dry-run');
    return interruptibleStep(async (step) => {
      if (dryRun) assertWouldWrite(cowPath, 'COW'); // it reads, but says whether the real run would be refused
      // Raw: an interrupted rewrite's mark is not undone on open, this undoes it (from wherever its backup now is).
      const cow = openInput(cowPath, 'COW', !dryRun, null, { raw: true }).dev;
      try {
        // A store marked by an interrupted rewrite takes only the backup that mark was made with (an older backup has no id to compare).
        const mark = interruptedRewrite(cow);
        if (mark && records.id && !sameUndoId(mark.id, records.id)) {
          throw new SnapscopeError('usage', `${backupPath} is not the backup of the interrupted rewrite of ${cowPath} (its id differs from the one the store's header sector names, ${mark.path}); nothing was written`, { device: backupPath, offset: 0 });
        }
        refuseOtherCow(records, backupPath, cowPath, cow.size, args.flag('force'));
        for (const r of records) {
          if (r.offset + r.bytes.length > cow.size) {
            throw new SnapscopeError('usage', `${backupPath} restores ${r.bytes.length} bytes at offset ${r.offset}, past the end of ${cowPath} (${cow.size} bytes): not a backup of this COW; nothing was written`, {
              device: backupPath,
              offset: r.offset,
            });
          }
        }
        const bytes = records.reduce((n, r) => n + r.bytes.length, 0);
        // Sector 0 last: a crash while writing back leaves the rewrite's mark, never a torn store under a valid header.
        if (!dryRun) await step(() => writeBack(cow, records), () => `wrote ${plural(records.length, 'saved area')} (${plural(bytes, 'byte')}) back to ${cowPath}`);
        const torn = records.torn ? '; a last record cut short was left out (its write never happened)' : '';
        con.result(
          { dryRun, records: records.length, bytes, torn: records.torn === true },
          `${dryRun ? 'would write' : 'wrote'} ${plural(records.length, 'saved area')} (${plural(bytes, 'byte')}) back to ${cowPath}${torn}`,
        );
      } finally {
        cow.close();
      }
    });
  },
};

/** A backup of another device would overwrite this one's header with that one's: its header names what it saved. */
function refuseOtherCow(records: Backup, backupPath: string, cowPath: string, cowBytes: number, force: boolean): void {
  if (records.deviceBytes !== null && records.deviceBytes !== cowBytes) {
    throw new SnapscopeError('usage', `${backupPath} was taken of a device of ${records.deviceBytes} bytes; ${cowPath} holds ${cowBytes}: not a backup of this COW; nothing was written`, { device: backupPath, offset: 0 });
  }
  const image = records.file === null || force ? null : imageIdentity(cowPath);
  if (image !== null && image !== records.file) {
    throw new SnapscopeError('usage', `${backupPath} was taken of another image file than ${cowPath} (a copy, or another store); nothing was written (--force writes it back anyway)`, { device: backupPath, offset: 0 });
  }
}
