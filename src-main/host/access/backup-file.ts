import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { resolve } from 'node:path';
import { SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { UNDO_ID_BYTES, type UndoFile } from '../../../src-core/persistent/restore-intent.ts';
import { BackupDevice } from '../../../src-core/repair/backup-device.ts';
import { keyOf } from './extents.ts';
import { assertNotAnInput, feetOf, inspectTarget, type Target } from './target.ts';

/**
 * The undo file of an in-place repair or restore: "SSB2", a random 16-byte id, the le64 size of
 * the device it saves, the le64 st_dev and st_ino of the image file whose bytes that device is
 * from its first byte (imageOf: the file, or the file under a loop device from its start; zero for
 * anything else), then records {le64 offset, le32 length, old bytes}, each made durable
 * before the write it saves. The store's rewrite mark holds the same id and size
 * (restore-intent.ts), and the file identity is the image's own, so an undo only ever takes the
 * backup made for it (a mark copied from another store's image still names that other file). `snapscope
 * backup-restore` writes the records back. Files of older versions ("SSBK", then records) have
 * no id: backup-restore still reads them, the automatic undo does not. Encoded and decoded here only.
 */
const MAGIC = Buffer.from('SSB2');
const LEGACY_MAGIC = Buffer.from('SSBK');
const SIZE_AT = MAGIC.length + UNDO_ID_BYTES;
const FILE_AT = SIZE_AT + 8;
const HEAD = FILE_AT + 16;
const RECORD_HEAD = 12;

export interface BackupRecord {
  offset: number;
  bytes: Uint8Array;
}

/** A backup file's records, and what its header says (null for an older file, which has none). */
export type Backup = BackupRecord[] & { torn?: boolean; id: Uint8Array | null; deviceBytes: number | null; file: string | null };

/** The identity ("st_dev:st_ino") of the image file whose bytes `path` is (imageOf), or null. */
export function imageIdentity(path: string): string | null {
  const st = imageOf(inspectTarget(path));
  return st && `${st.dev}:${st.ino}`;
}

/**
 * The image file whose bytes a target is, from its first byte: the file itself, or the file
 * beneath a loop device (or a stack of them) from its start, so an undo made through one of these
 * names is the store's through any other. Null for anything else (a disk, a partition, a loop
 * device from an offset into its file).
 */
function imageOf(t: Target): fs.BigIntStats | null {
  const feet = feetOf(t);
  const foot = feet?.length === 1 ? feet[0]! : null;
  if (!foot || foot.start !== 0 || !foot.key.startsWith('i')) return null;
  try {
    const st = fs.statSync(foot.name, { bigint: true });
    return st.isFile() && keyOf(fs.statSync(foot.name)) === foot.key ? st : null;
  } catch {
    return null; // a loop device's backing file deleted or renamed away
  }
}

export interface BackupFile {
  readonly path: string;
  /** Its path (absolute) and id, for the store's rewrite mark. */
  readonly undo: UndoFile;
  /** Records written so far. */
  readonly records: number;
  wrap(dev: BlockDevice): BackupDevice;
  /** Closes it; an unused backup (no record) is removed, so it never blocks the next run. */
  close(): void;
}

/**
 * Refuses a backup path that cannot take this run's backup (what createBackup refuses), creating
 * nothing: a run that turns out to have nothing to write still rejects a bad --backup.
 */
export function checkBackup(path: string, cowPath: string, option = '--backup'): { target: Target; cow: Target } {
  const target = inspectTarget(path);
  const cow = inspectTarget(cowPath);
  assertNotAnInput(target, [cow]);
  if (target.kind !== 'missing') {
    if (target.kind !== 'file') throw new SnapscopeError('usage', `backup ${path} is not a regular file`, { device: path });
    const records = target.size === 0 || isTornHead(path, target.size) ? 0 : readBackup(path).length;
    if (records > 0) {
      throw new SnapscopeError(
        'usage',
        `backup ${path} already exists and holds ${records} records from an earlier repair or restore (${target.stat!.mtime.toISOString()}); ` +
          `undo that with 'snapscope backup-restore ${cowPath} --backup ${path}', or move it away, or give ${option} FILE`,
        { device: path },
      );
    }
  }
  return { target, cow };
}

/**
 * Creates the backup file. An existing empty or unused one (left by a run that wrote nothing) is
 * reused; one that holds records is refused with what to do, so an undo is never lost.
 */
export function createBackup(path: string, cowPath: string, option = '--backup'): BackupFile {
  const { target, cow } = checkBackup(path, cowPath, option);
  const id = randomBytes(UNDO_ID_BYTES);
  const head = Buffer.alloc(HEAD);
  MAGIC.copy(head, 0);
  id.copy(head, MAGIC.length);
  head.writeBigUInt64LE(BigInt(cow.size), SIZE_AT);
  const image = imageOf(cow);
  if (image) {
    head.writeBigUInt64LE(image.dev, FILE_AT);
    head.writeBigUInt64LE(image.ino, FILE_AT + 8);
  }
  let fd = -1;
  try {
    fd = fs.openSync(path, target.kind === 'missing' ? 'wx' : 'w', 0o600);
    fs.writeSync(fd, head);
    fs.fsyncSync(fd);
  } catch (e) {
    // A full file system fails the header, not the create: a file this run made goes again.
    if (fd >= 0) fs.closeSync(fd);
    if (fd >= 0 && target.kind === 'missing') fs.rmSync(path, { force: true });
    throw new SnapscopeError('io', `cannot write backup ${path}: ${(e as Error).message}`, { device: path });
  }
  let records = 0;
  let open = true;
  return {
    path,
    undo: { path: resolve(path), id: new Uint8Array(id) },
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
      // Unused, it would undo nothing: ours is removed, an empty file that was there is left empty.
      const given = target.kind === 'file' && target.size === 0;
      if (records === 0 && given) fs.ftruncateSync(fd, 0);
      fs.closeSync(fd);
      if (records === 0 && !given) fs.rmSync(path, { force: true });
    },
  };
}

/** A file shorter than a header that begins as ours does: a run killed while writing it. Anything else short is not ours. */
function isTornHead(path: string, size: number): boolean {
  if (size >= HEAD) return false;
  const start = fs.readFileSync(path).subarray(0, MAGIC.length);
  return start.equals(MAGIC.subarray(0, start.length));
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
export function readBackup(path: string): Backup {
  let data: Buffer;
  try {
    // Always a regular file we wrote: anything else (/dev/zero, a pipe) is not one, and may never end.
    if (!fs.statSync(path).isFile()) throw new SnapscopeError('usage', `${path} is not a regular file, so not a snapscope backup`, { device: path });
    data = fs.readFileSync(path);
  } catch (e) {
    if (e instanceof SnapscopeError) throw e;
    throw new SnapscopeError('usage', `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { device: path });
  }
  const magic = data.subarray(0, MAGIC.length);
  const legacy = magic.equals(LEGACY_MAGIC);
  if (!legacy && (data.length < HEAD || !magic.equals(MAGIC))) {
    throw new SnapscopeError('corrupt', `${path} is not a snapscope backup (no SSB2 header)`, { device: path, offset: 0, field: 'magic' });
  }
  const records = [] as BackupRecord[] as Backup;
  records.id = legacy ? null : new Uint8Array(data.subarray(MAGIC.length, SIZE_AT));
  records.deviceBytes = legacy ? null : Number(data.readBigUInt64LE(SIZE_AT));
  const ino = legacy ? 0n : data.readBigUInt64LE(FILE_AT + 8);
  records.file = ino === 0n ? null : `${data.readBigUInt64LE(FILE_AT)}:${ino}`;
  for (let at = legacy ? LEGACY_MAGIC.length : HEAD; at < data.length; ) {
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
