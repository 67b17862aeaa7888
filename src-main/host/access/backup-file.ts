import fs from 'node:fs';
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { BackupDevice } from '../../../src-core/repair/backup-device.ts';
import { assertNotAnInput, inspectTarget } from './target.ts';

/**
 * The undo file of an in-place repair or restore: "SSBK", then records {le64 offset, le32
 * length, old bytes}, each made durable before the write it saves. `snapscope backup-restore`
 * writes them back. Encoded and decoded here only.
 */
const MAGIC = Buffer.from('SSBK');
const RECORD_HEAD = 12;

export interface BackupRecord {
  offset: number;
  bytes: Uint8Array;
}

export interface BackupFile {
  readonly path: string;
  /** Records written so far. */
  readonly records: number;
  wrap(dev: BlockDevice): BackupDevice;
  /** Closes it; an unused backup (no record) is removed, so it never blocks the next run. */
  close(): void;
}

/**
 * Creates the backup file. An existing empty or unused one (left by a run that wrote nothing) is
 * reused; one that holds records is refused with what to do, so an undo is never lost.
 */
export function createBackup(path: string, cowPath: string, option = '--backup'): BackupFile {
  const target = inspectTarget(path);
  assertNotAnInput(target, [inspectTarget(cowPath)]);
  if (target.kind !== 'missing') {
    if (target.kind !== 'file') throw new SnapscopeError('usage', `backup ${path} is not a regular file`, { device: path });
    const records = target.size <= MAGIC.length ? 0 : readBackup(path).length;
    if (records > 0) {
      throw new SnapscopeError(
        'usage',
        `backup ${path} already exists and holds ${records} records from an earlier repair or restore (${target.stat!.mtime.toISOString()}); ` +
          `undo that with 'snapscope backup-restore ${path} ${cowPath}', or move it away, or give ${option} FILE`,
        { device: path },
      );
    }
  }
  let fd: number;
  try {
    fd = fs.openSync(path, target.kind === 'missing' ? 'wx' : 'w', 0o600);
    fs.writeSync(fd, MAGIC);
    fs.fsyncSync(fd);
  } catch (e) {
    throw new SnapscopeError('io', `cannot write backup ${path}: ${(e as Error).message}`, { device: path });
  }
  let records = 0;
  let open = true;
  return {
    path,
    get records() {
      return records;
    },
    wrap: (dev) =>
      new BackupDevice(dev, (offset, old) => {
        const head = Buffer.alloc(RECORD_HEAD);
        head.writeBigUInt64LE(BigInt(offset), 0);
        head.writeUInt32LE(old.length, 8);
        fs.writeSync(fd, head);
        fs.writeSync(fd, old);
        fs.fsyncSync(fd);
        records++;
      }),
    close: () => {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
      if (records === 0) fs.rmSync(path, { force: true }); // ours, and it would undo nothing
    },
  };
}

/**
 * Where the backup of `cowPath` goes: `given` (--backup), else `<cow>.snapscope-backup` beside an
 * image file. A block device has no "beside" worth the name (/dev is a RAM filesystem, lost at
 * reboot), so there the user must say.
 */
export function backupPath(cowPath: string, given: string | undefined): string {
  if (given !== undefined) return given;
  if (inspectTarget(cowPath).kind === 'block') {
    throw new SnapscopeError('usage', `${cowPath} is a block device: give --backup FILE, where the old contents of what is rewritten are saved (on a disk that survives a reboot)`, { device: cowPath });
  }
  return `${cowPath}.snapscope-backup`;
}

/**
 * Every complete record of a backup file. Each record is durable before the write it saves starts,
 * so a record cut short at the end (a crash while saving it) saved a write that never happened:
 * it is left out, and `torn` says so.
 */
export function readBackup(path: string): BackupRecord[] & { torn?: boolean } {
  let data: Buffer;
  try {
    data = fs.readFileSync(path);
  } catch (e) {
    throw new SnapscopeError('usage', `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { device: path });
  }
  if (data.length < MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SnapscopeError('corrupt', `${path} is not a snapscope backup (no SSBK magic)`, { device: path, offset: 0, field: 'magic' });
  }
  const records: BackupRecord[] & { torn?: boolean } = [];
  for (let at = MAGIC.length; at < data.length; ) {
    if (at + RECORD_HEAD > data.length || at + RECORD_HEAD + data.readUInt32LE(at + 8) > data.length) {
      records.torn = true;
      break;
    }
    const offset = data.readBigUInt64LE(at);
    const length = data.readUInt32LE(at + 8);
    if (offset > BigInt(Number.MAX_SAFE_INTEGER)) throw new SnapscopeError('corrupt', `${path}: the record at byte ${at} has offset ${offset}, past any device`, { device: path, offset: at });
    records.push({ offset: Number(offset), bytes: data.subarray(at + RECORD_HEAD, at + RECORD_HEAD + length) });
    at += RECORD_HEAD + length;
  }
  return records;
}
