import { SnapscopeError } from '../../../src-core/errors.ts';
import { readBackup } from '../../host/access/backup-file.ts';
import type { Command } from '../command.ts';
import { openDevice } from '../devices.ts';

export const backupRestore: Command = {
  name: 'backup-restore',
  summary: 'undo an in-place repair or restore: write the old contents from its backup file back',
  positionals: [
    { name: 'backup', help: 'the backup file (<cow>.snapscope-backup, or what --backup named)' },
    { name: 'cow', help: 'the COW device or image it was taken of' },
  ],
  options: { 'dry-run': { type: 'boolean', help: 'check the backup against the COW and say what would be written' } },
  details: [
    'Every record is checked against the COW before the first write. The backup file is kept.',
    'A record cut short at the end (a crash while it was saved) is left out: its write never happened.',
  ].join('\n'),
  run(args, con) {
    const backupPath = args.arg('backup');
    const cowPath = args.arg('cow');
    const records = readBackup(backupPath);
    const dryRun = args.flag('dry-run');
    const cow = openDevice(cowPath, 'COW', !dryRun);
    try {
      for (const r of records) {
        if (r.offset + r.bytes.length > cow.size) {
          throw new SnapscopeError('usage', `${backupPath} restores ${r.bytes.length} bytes at offset ${r.offset}, past the end of ${cowPath} (${cow.size} bytes): not a backup of this COW; nothing was written`, {
            device: backupPath,
            offset: r.offset,
          });
        }
      }
      const bytes = records.reduce((n, r) => n + r.bytes.length, 0);
      if (!dryRun) {
        for (const r of records) cow.write(r.offset, r.bytes);
        cow.flush();
      }
      const torn = records.torn ? '; a last record cut short was left out (its write never happened)' : '';
      con.result(
        { dryRun, records: records.length, bytes, torn: records.torn === true },
        `${dryRun ? 'would write' : 'wrote'} ${records.length} saved areas (${bytes} bytes) back to ${cowPath}${torn}`,
      );
    } finally {
      cow.close();
    }
  },
};
