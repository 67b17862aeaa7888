import fs from 'node:fs';
import { SnapscopeError, isSnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { decodeIntent, interruptedRewrite, sameUndoId, writeBack } from '../../../src-core/persistent/restore-intent.ts';
import { imageIdentity, readBackup } from './backup-file.ts';
import { keyOf } from './extents.ts';

/**
 * A COW whose in-place restore or repair was interrupted (src-core/persistent/restore-intent.ts)
 * is undone from the backup file its header sector names when it is next opened for writing,
 * before anything else reads it (the backup, spent, is then renamed <backup>.undone, or the first
 * free <backup>.undone.N: never over a file); a reader is
 * refused, saying how to undo it. Only the backup made for this mark is written back: the image
 * names any path, and a genuine backup of another store would expose that store's sectors here.
 * Returns a note for the user when it undid one.
 */
export function settleInterruptedRewrite(dev: BlockDevice, path: string, write: boolean): string | null {
  const intent = interruptedRewrite(dev);
  if (intent === null) return null;
  const undo = intent.path;
  const how = `snapscope backup-restore ${path} --backup ${undo}`;
  if (!write) {
    throw new SnapscopeError('corrupt', `${path}: an in-place restore or repair was interrupted; opening it for writing undoes it from ${undo} (or: ${how})`, { device: path, offset: 0 });
  }
  let records: ReturnType<typeof readBackup>;
  try {
    records = readBackup(undo);
  } catch (e) {
    if (!isSnapscopeError(e)) throw e;
    throw new SnapscopeError(e.code, `${path}: an in-place restore or repair was interrupted, and its undo file cannot be read (${e.message}); put it back at ${undo}, or run snapscope backup-restore ${path} --backup WHERE_IT_IS (or restore a dump into a new COW with --data-from ${path}); nothing was written`, { device: path, offset: 0 });
  }
  const notOurs = (why: string) =>
    new SnapscopeError('corrupt', `${path}: an in-place restore or repair was interrupted, but ${undo} ${why}: it is not the backup this mark was made with; nothing was written`, { device: undo, offset: 0 });
  if (records.id === null) throw notOurs('has no id (an older backup format; if it is this store\'s, undo with ' + how + ')');
  if (!sameUndoId(records.id, intent.id)) throw notOurs('has a different id');
  if (records.deviceBytes !== dev.size || intent.deviceBytes !== dev.size) {
    throw notOurs(`was taken of a ${records.deviceBytes}-byte device (the mark says ${intent.deviceBytes}), and ${path} has ${dev.size} bytes`);
  }
  const file = imageIdentity(path);
  if (records.file !== file) throw notOurs(`was taken of ${records.file ? `another file (st_dev:st_ino ${records.file})` : 'a device that is no image file'}, not of ${path}${file ? ` (${file})` : ''}; if it is this store's, undo with ${how}`);
  // The rewrite marked sector 0 before any other write, so the undo's first save is the old header.
  const first = records[0];
  if (!first || first.offset !== 0 || decodeIntent(first.bytes) !== null) {
    throw new SnapscopeError('corrupt', `${path}: an in-place restore or repair was interrupted, but ${undo} does not begin with the old header sector: not its undo; nothing was written`, { device: undo, offset: 0 });
  }
  writeBack(dev, records);
  // Spent (it saved what the store now holds again): moved aside, so a rerun can make a new one.
  const kept = moveAside(undo);
  const why = kept !== undo && kept !== `${undo}.undone` ? `, since ${undo}.undone exists` : '';
  return `an in-place restore or repair of ${path} was interrupted: undone, the store is as it was before it (its backup is kept as ${kept}${why})`;
}

/** Tries <undo>.undone, then .undone.1, .2 ...: never over a file there. */
const MAX_SPENT_NAMES = 100;

/**
 * Renames the spent backup to the first free name of <undo>.undone, <undo>.undone.1, ...; never
 * over an existing file (a link refuses one where a rename would replace it, and no check comes
 * between the look and the move). Where that fails (a filesystem without links), it stays where it
 * is: a rerun then asks for it to be moved. Returns where it is.
 */
function moveAside(undo: string): string {
  for (let n = 0; n < MAX_SPENT_NAMES; n++) {
    const name = n === 0 ? `${undo}.undone` : `${undo}.undone.${n}`;
    try {
      fs.linkSync(undo, name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      return undo;
    }
    // Both names are the one file: dropping the old one is the rename (unless it was replaced meanwhile).
    if (sameFile(undo, name)) fs.rmSync(undo, { force: true });
    return name;
  }
  return undo;
}

function sameFile(a: string, b: string): boolean {
  try {
    return keyOf(fs.statSync(a)) === keyOf(fs.statSync(b));
  } catch {
    return false;
  }
}
