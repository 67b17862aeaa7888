/**
 * A persistent store whose in-place restore stopped half way (the process died after some area
 * writes): readers are refused saying how to undo it; the undo needs its backup, and refuses
 * without it, writing nothing; `backup-restore` undoes it from wherever the backup is now; a
 * write open with the backup in place undoes it (issue #12 point 5).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSnapscopeError } from '../../src-core/errors.ts';
import { FaultDevice } from '../../src-core/io/fault-device.ts';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { restore } from '../../src-core/ir/restore.ts';
import { encodeIntent, interruptedRewrite } from '../../src-core/persistent/restore-intent.ts';
import { createBackup } from '../../src-main/host/access/backup-file.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { persistentImage, tableText } from '../core/crash/power-loss.ts';
import { dumpText, parseDump } from '../core/ir/helpers.ts';
import { cli, oneLine, tempDir } from './cli.ts';

const image = (variant: number) => persistentImage({ chunkBytes: 4096, cowChunks: 1200, originChunks: 1000, exceptions: 600 + 200 * variant, stride: 7 + 2 * variant });

/** `file` holding store 1, its restore to store 0's dump stopped after `writes` writes; the backup at `backup`. */
function interrupted(dir: string, writes: number) {
  const file = path.join(dir, 'cow.img');
  const old = image(1).bytes;
  fs.writeFileSync(file, old);
  const dump = parseDump(dumpText(image(0)));
  const backup = createBackup(path.join(dir, 'cow.img.snapscope-backup'), file);
  const dev = FileDevice.open(file, { write: true });
  try {
    restore(new FaultDevice(backup.wrap(dev), { crashAtWrite: writes }), dump.header, dump.source, { undo: backup.undo });
    throw new Error('the restore was not interrupted');
  } catch (e) {
    if (!isSnapscopeError(e) || e.code !== 'crashed') throw e;
  } finally {
    dev.close();
    backup.close();
  }
  return { file, old, backup: backup.path };
}

describe('an interrupted in-place restore of a persistent store', () => {
  it('refuses readers, needs its backup to undo, and backup-restore undoes it from where the backup moved', () => {
    const dir = tempDir();
    const { file, old, backup } = interrupted(dir, 3);
    const marked = fs.readFileSync(file);
    expect(interruptedRewrite(new MemoryDevice(new Uint8Array(marked), 'cow'))?.path).toBe(backup);

    const info = cli('info', file);
    expect(info.code).not.toBe(0);
    expect(oneLine(info)).toContain(`opening it for writing undoes it from ${backup} (or: snapscope backup-restore ${file} --backup ${backup})`);

    const moved = path.join(dir, 'moved-backup');
    fs.renameSync(backup, moved);
    const dump = path.join(dir, 'dump.json');
    fs.writeFileSync(dump, dumpText(image(0)));
    const write = cli('restore', file, '--dump', dump);
    expect(write.code).not.toBe(0);
    expect(oneLine(write)).toMatch(/its undo file cannot be read .*no such file.*nothing was written/);
    expect(Buffer.compare(fs.readFileSync(file), marked), 'a refused undo wrote').toBe(0);

    // Its data chunks are intact: a dump restored into a new COW can take them from it.
    const copy = path.join(dir, 'new.img');
    const fresh = cli('restore', copy, '--dump', dump, '--data-from', file);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(tableText(new MemoryDevice(new Uint8Array(fs.readFileSync(copy)), 'cow'))).toBe(tableText(image(0)));

    const undo = cli('backup-restore', file, '--backup', moved);
    expect(undo.code, undo.stderr).toBe(0);
    expect(Buffer.compare(fs.readFileSync(file), old)).toBe(0);
  });

  it('is undone by the next open for writing when its backup is in place', () => {
    const dir = tempDir();
    const { file, old, backup } = interrupted(dir, 5);
    const dump = path.join(dir, 'dump.json');
    fs.writeFileSync(dump, dumpText(image(0)));
    const again = cli('restore', file, '--dump', dump);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`undone, the store is as it was before it (its backup is kept as ${backup}.undone)`);
    expect(tableText(new MemoryDevice(new Uint8Array(fs.readFileSync(file)), 'cow'))).toBe(tableText(image(0)));
    // The undo's own backup, spent, was kept; the rerun made a new one of the old store.
    expect(fs.existsSync(`${backup}.undone`)).toBe(true);
    const undoAgain = cli('backup-restore', file, '--backup', backup);
    expect(undoAgain.code, undoAgain.stderr).toBe(0);
    expect(Buffer.compare(fs.readFileSync(file), old)).toBe(0);
  });

  it('keeps a file already named <backup>.undone: the spent backup takes the first free name, and the note names it', () => {
    const dir = tempDir();
    const { file, old, backup } = interrupted(dir, 5);
    fs.writeFileSync(`${backup}.undone`, 'an older undo, kept\n');
    fs.writeFileSync(`${backup}.undone.1`, 'another, kept\n');
    const dump = path.join(dir, 'dump.json');
    fs.writeFileSync(dump, dumpText(image(0)));
    const again = cli('restore', file, '--dump', dump);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`undone, the store is as it was before it (its backup is kept as ${backup}.undone.2, since ${backup}.undone exists)`);
    expect(fs.readFileSync(`${backup}.undone`, 'utf8')).toBe('an older undo, kept\n');
    expect(fs.readFileSync(`${backup}.undone.1`, 'utf8')).toBe('another, kept\n');
    const spent = cli('backup-restore', file, '--backup', `${backup}.undone.2`, '--dry-run');
    expect(spent.code, spent.stderr).toBe(0);
    // The rerun's own backup undoes the rerun.
    const undoAgain = cli('backup-restore', file, '--backup', backup);
    expect(undoAgain.code, undoAgain.stderr).toBe(0);
    expect(Buffer.compare(fs.readFileSync(file), old)).toBe(0);
  });

  it('an image whose mark names a file that is no backup is refused for writing, and nothing is written', () => {
    const dir = tempDir();
    const file = path.join(dir, 'hostile.img');
    const bytes = image(1).bytes;
    bytes.set(encodeIntent({ path: '/etc/passwd', id: new Uint8Array(16) }, bytes.length, 8), 0);
    fs.writeFileSync(file, bytes);
    const dump = path.join(dir, 'dump.json');
    fs.writeFileSync(dump, dumpText(image(0)));
    const r = cli('restore', file, '--dump', dump);
    expect(r.code).not.toBe(0);
    expect(oneLine(r)).toMatch(/its undo file cannot be read \(\/etc\/passwd is not a snapscope backup.*nothing was written/);
    expect(Buffer.compare(fs.readFileSync(file), bytes)).toBe(0);
  });

  it("an image whose mark names another store's genuine backup is refused, writing nothing to it and leaving that backup alone", () => {
    const dir = tempDir();
    // Store B, its restore interrupted: B's header sector marks it, B's backup holds B's old sectors.
    const b = interrupted(dir, 3);
    const theirs = fs.readFileSync(b.backup);
    const sha = (p: string) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    const dump = path.join(dir, 'dump.json');
    fs.writeFileSync(dump, dumpText(image(0)));
    const attempt = (name: string, mark: Uint8Array, expected: RegExp) => {
      const a = path.join(dir, name);
      const bytes = image(1).bytes;
      bytes.set(mark, 0);
      fs.writeFileSync(a, bytes);
      const before = sha(a);
      const r = cli('restore', a, '--dump', dump);
      expect(r.code).not.toBe(0);
      expect(oneLine(r)).toMatch(expected);
      expect(sha(a), 'the refused undo wrote into the image').toBe(before);
      expect(Buffer.compare(fs.readFileSync(b.backup), theirs), "B's backup was touched").toBe(0);
    };
    // A mark of its own naming B's backup: the ids differ.
    attempt('guessed.img', encodeIntent({ path: b.backup, id: new Uint8Array(16).fill(7) }, image(1).bytes.length, 8), /has a different id: it is not the backup this mark was made with; nothing was written/);
    // B's very mark (id and size included) copied into A: the backup was taken of B's file, not A's.
    attempt('copied.img', fs.readFileSync(b.file).subarray(0, 512), /taken of another file .*not of .*copied\.img.*nothing was written/);
    // Named explicitly, B's backup is refused too for an image whose mark has another id.
    const guessed = path.join(dir, 'guessed.img');
    const before = sha(guessed);
    const explicit = cli('backup-restore', guessed, '--backup', b.backup);
    expect(explicit.code).not.toBe(0);
    expect(oneLine(explicit)).toMatch(/is not the backup of the interrupted rewrite of .*guessed\.img.*nothing was written/);
    expect(sha(guessed)).toBe(before);
    // B itself is still undone from it.
    const undo = cli('restore', b.file, '--dump', dump);
    expect(undo.code, undo.stderr).toBe(0);
    expect(oneLine(undo)).toContain('was interrupted: undone');
  });
});
