import fs from 'node:fs';
import type { RestoreResultDto } from '../../src-core/api/dto.ts';
import { SnapscopeError } from '../../src-core/errors.ts';
import { SECTOR_BYTES, type BlockDevice } from '../../src-core/io/block-device.ts';
import type { DumpHeader, ExceptionSource } from '../../src-core/ir/model.ts';
import { DumpReader } from '../../src-core/ir/reader.ts';
import { checkRestorable, restore } from '../../src-core/ir/restore.ts';
import type { Task } from '../../src-core/jobs/job.ts';
import type { Progress } from '../../src-core/jobs/progress.ts';
import { backupPath, createBackup, type BackupFile } from './access/backup-file.ts';
import { CopyReader } from './copy-reader.ts';
import { Output, isZero, planOutput } from './access/outputs.ts';
import { describeSignatures, probePath } from './access/signatures.ts';
import { assertWouldWrite, openInput } from './access/inputs.ts';
import { inspectTarget } from './access/target.ts';
import type { HelperLauncher } from './helper-device.ts';
import { decodeDump, openDump, readDumpFile } from './dump-file.ts';
import { openDevice } from './open-device.ts';
import { otherStore } from './restore-match.ts';

/** What restore is asked: by `snapscope restore` (no session, no helper) or by the API. */
export interface RestoreSpec {
  /** The dump file, and what messages call it (an upload's temporary file is "the uploaded dump"). */
  dump: string;
  dumpName?: string;
  /** The COW to write. */
  target: string;
  /**
   * The open store's own COW (open for writing, its lock held by the session): rewritten in place.
   * `holds` says what it holds now. Null: `target` is opened here, in place when it holds a store.
   */
  session: { cow: BlockDevice; holds: string } | null;
  dataFrom?: string | undefined;
  metadataOnly?: boolean | undefined;
  force?: boolean | undefined;
  backup?: string | undefined;
  dryRun?: boolean | undefined;
  helper: HelperLauncher | null;
  /** What opening the target says (an interrupted rewrite undone first, ...). */
  onNote?: (note: string) => void;
}

/** Bytes of the dump read, and of data copied, per step: steps stay short, so cancel acts promptly. */
const STEP_BYTES = 8 << 20;
const READ_BYTES = 1 << 20;

/** The restore job, and what a cancel left behind (the CLI's Ctrl-C line). */
export interface RestoreTask extends Task<RestoreResultDto> {
  /**
   * "nothing was written"; "<target> was not written" (a new file: its temporary file removed);
   * "<target> was only partly written: its first N bytes copied from <dataFrom>, its metadata not
   * written" (a new device: the copy writes it in place). In place, only the last step writes.
   */
  leftByCancel(): string;
}

/**
 * The one restore of the CLI and the API (`src-core/ir/restore.ts` behind the access rules) as a
 * Task: read and check the whole dump (nothing is written before it passes), decide in place or a
 * new target (`planRestore`: the refusals too), then — unless a dry run —
 * open the target (in place: every overwritten sector backed up; a new target: written beside it
 * and renamed, or a device under O_EXCL and its lock, refused when it holds data unless `force`),
 * copy the data chunks (`dataFrom`), and write the metadata in one last step. A cancel before that
 * step leaves the target as it was, but for a new device the copy had begun writing in place
 * (leftByCancel says how far).
 */
export function restoreTask(spec: RestoreSpec): RestoreTask {
  const source: ExceptionSource = { forEach: (visit) => void readDumpFile(spec.dump, visit, spec.dumpName) };
  const dumpBytes = fileSize(spec.dump);
  let reader: DumpReader | null = new DumpReader(spec.dumpName ?? spec.dump, () => exceptions++);
  let exceptions = 0;
  let fd: number | null = null;
  let read = 0;
  const name = spec.dumpName ?? spec.dump;
  const utf8 = new TextDecoder('utf-8', { fatal: true }); // a character may straddle two steps
  let header: DumpHeader | null = null;
  let plan: RestoreResultDto | null = null;
  let writing: { dev: BlockDevice; out: Output | null; backup: BackupFile | null; src: { dev: BlockDevice; reader: CopyReader } | null; opened: BlockDevice | null } | null = null;
  let copied = 0;
  /** Bytes copied onto a device in place (a file target is written beside it). */
  let devicePartly = 0;
  let result: RestoreResultDto | null = null;
  const release = (): void => {
    if (fd !== null) fs.closeSync(fd);
    fd = null;
    if (!writing) return;
    writing.out?.abort();
    writing.backup?.close();
    writing.src?.reader.close();
    writing.src?.dev.close();
    writing.opened?.close();
    writing = null;
  };

  const piece = Buffer.alloc(READ_BYTES);
  const readStep = (): void => {
    fd ??= openDump(spec.dump);
    // Small pieces, as readDumpFile reads: an 8 MiB string per read left the heap twice as large.
    for (const end = read + STEP_BYTES; read < end; ) {
      const n = fs.readSync(fd, piece, 0, piece.length, read);
      read += n;
      const last = n === 0 || read >= dumpBytes;
      reader!.write(decodeDump(utf8, name, piece.subarray(0, n), !last));
      if (!last) continue;
      fs.closeSync(fd);
      fd = null;
      header = reader!.finish();
      reader = null;
      return;
    }
  };

  const open = (h: DumpHeader, p: RestoreResultDto): void => {
    if (p.mode === 'in-place') {
      const opened = spec.session ? null : openDevice(spec.target, 'COW', true, spec.helper);
      if (opened?.note) spec.onNote?.(opened.note);
      const cow = spec.session?.cow ?? opened!.dev;
      try {
        const backup = createBackup(p.backup!, spec.target);
        writing = { dev: backup.wrap(cow), out: null, backup, src: null, opened: opened?.dev ?? null };
      } catch (e) {
        opened?.dev.close();
        throw e;
      }
      return;
    }
    // Raw: only its data chunks are read, so a COW marked by an interrupted rewrite (its undo lost) can still give them.
    const src = spec.dataFrom === undefined ? null : openInput(spec.dataFrom, 'COW', false, spec.helper, { raw: true }).dev;
    try {
      const out = Output.open(spec.target, { inputs: inputsOf(spec), force: spec.force === true, bytes: h.chunkBytes * h.chunkCount, protect: 'data' });
      const dev = out.device(out.kind === 'block' ? out.plan.target.size : Math.max(h.chunkBytes * h.chunkCount, src?.size ?? 0));
      // The whole source is read once, start to end: its holes kept out of the page cache.
      writing = { dev, out, backup: null, src: src && { dev: src, reader: new CopyReader(src) }, opened: null };
    } catch (e) {
      src?.close();
      throw e;
    }
  };

  return {
    step(): boolean {
      try {
        if (reader) {
          readStep();
          return false;
        }
        if (!plan) {
          checkRestorable(header!, source); // all or nothing: a dump the builder refuses writes nothing
          plan = planRestore(spec, header!, exceptions);
          if (!spec.dryRun) return false;
          // As the run would: an open session holds its COW already; a new target that exists (data or
          // zeros) is opened for writing as the output, a file held as a writer holds it until the rename.
          if (!spec.session && plan.mode === 'in-place') assertWouldWrite(spec.target, 'COW');
          if (plan.mode === 'new' && existing(spec.target)) assertWouldWrite(spec.target, 'output');
          result = plan;
          return true;
        }
        if (!writing) {
          open(header!, plan);
          return false;
        }
        const w: NonNullable<typeof writing> = writing;
        if (w.src && copied < Math.min(w.src.dev.size, w.dev.size)) {
          copied += copyPiece(w.src, w.dev, copied, w.out?.kind === 'file');
          if (w.out?.kind === 'block') devicePartly = copied;
          return false;
        }
        result = { ...plan, ...write(w, header!, source, spec.target) };
        release();
        return true;
      } catch (e) {
        release();
        throw e;
      }
    },
    progress(): Progress {
      if (reader) return { phase: 'read dump', done: read, total: dumpBytes, unit: 'bytes', bytes: read };
      if (writing?.src) return { phase: 'copy data', done: copied, total: Math.min(writing.src.dev.size, writing.dev.size), unit: 'bytes', bytes: copied };
      return { phase: plan ? 'write metadata' : 'check dump', done: result ? 1 : 0, total: 1, unit: 'steps' };
    },
    result: () => result!,
    cancelled: release,
    leftByCancel() {
      if (devicePartly > 0) return `${spec.target} was only partly written: its first ${devicePartly} bytes copied from ${spec.dataFrom}, its metadata not written`;
      return plan?.mode === 'new' ? `${spec.target} was not written` : 'nothing was written';
    },
  };
}

/** The metadata write, the last step; in place, a failure says how to undo what it wrote. */
function write(w: { dev: BlockDevice; out: Output | null; backup: BackupFile | null }, h: DumpHeader, source: ExceptionSource, target: string): Pick<RestoreResultDto, 'written' | 'backup'> {
  try {
    // In place, the store is marked with its undo file first, as the CLI does: a crash is undone at the next open.
    const r = restore(w.dev, h, source, w.backup ? { undo: w.backup.undo } : {});
    w.dev.flush();
    w.out?.commit();
    return { written: r.written, backup: w.backup && w.backup.records > 0 ? w.backup.path : null };
  } catch (e) {
    if (!w.backup || w.backup.records === 0 || !(e instanceof SnapscopeError)) throw e;
    throw new SnapscopeError(e.code, `${e.message}; ${target} was partly rewritten; undo with: snapscope backup-restore ${target} --backup ${w.backup.path}`, e.where);
  }
}

/**
 * What the restore will do, for the CLI and the API alike: in place when the target holds a store
 * and no `dataFrom` is given, else a new target; throws the refusals a dry run shares with the run
 * (no data chunks, a target that is an input); a target holding data without `force` is refused
 * at the open, and a dry run says `needsForce`.
 */
function planRestore(spec: RestoreSpec, h: DumpHeader, exceptions: number): RestoreResultDto {
  const base = {
    dryRun: spec.dryRun === true,
    format: h.format,
    chunkBytes: h.chunkBytes,
    chunkCount: h.chunkCount,
    exceptions,
    snapshots: h.snapshots.map((s) => ({ slot: s.slot, name: s.name })),
    target: spec.target,
    written: 0,
  };
  const store = spec.session ? spec.session.holds : spec.dataFrom === undefined ? storeIn(spec.target) : null;
  if (store !== null) {
    const other = spec.force === true ? null : otherStore(headerSector(spec), h);
    if (other !== null)
      throw new SnapscopeError('usage', `${spec.target} ${other}: restore onto the store it was dumped from (or a copy), or give --force to rewrite this one`, { device: spec.target });
    const backup = backupPath(spec.target, spec.backup);
    return { ...base, mode: 'in-place', would: `rewrite the metadata of the store in ${spec.target} in place, backing up what it overwrites to ${backup}`, overwrites: store, needsForce: false, backup };
  }
  if (spec.dataFrom === undefined && !spec.metadataOnly) {
    throw new SnapscopeError(
      'usage',
      `${spec.target} holds no store, so it lacks the data chunks the dump points to (every snapshot would read zeros); give --data-from ORIGINAL_COW to copy them, or --metadata-only to write the metadata alone`,
      { device: spec.target },
    );
  }
  const out = planOutput(spec.target, { inputs: inputsOf(spec), force: spec.force === true || spec.dryRun === true, bytes: h.chunkBytes * h.chunkCount, protect: 'data' });
  const overwrites = out.signatures.length ? describeSignatures(out.signatures) : out.holdsData ? 'data (not all zeros)' : null;
  const what = `${out.action}${spec.dataFrom ? `, data from ${spec.dataFrom}` : ', metadata only'}`;
  return { ...base, mode: 'new', would: what, overwrites, needsForce: out.holdsData && spec.force !== true, backup: null };
}

/** The first sector of the store a restore would rewrite in place (zeros when it cannot be read). */
function headerSector(spec: RestoreSpec): Uint8Array {
  const sector = new Uint8Array(SECTOR_BYTES);
  if (spec.session) {
    if (spec.session.cow.size >= SECTOR_BYTES) spec.session.cow.read(0, sector);
    return sector;
  }
  try {
    const fd = fs.openSync(spec.target, 'r');
    try {
      fs.readSync(fd, sector, 0, SECTOR_BYTES, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Unreadable here: the open for writing says why.
  }
  return sector;
}

function inputsOf(spec: RestoreSpec): string[] {
  return [spec.dump, ...(spec.dataFrom === undefined ? [] : [spec.dataFrom])];
}

/** Whether the output is a file or device that exists (the run opens it for writing; a pipe or a new file it does not). */
function existing(path: string): boolean {
  const kind = inspectTarget(path).kind;
  return kind === 'file' || kind === 'block';
}

/** What store the file or device at `path` holds, or null. */
function storeIn(path: string): string | null {
  const t = inspectTarget(path);
  if (t.kind !== 'file' && t.kind !== 'block') return null;
  const stores = probePath(path, t.size).filter((s) => s.store && s.offset === 0);
  return stores.length ? describeSignatures(stores) : null;
}

function copyPiece(src: { dev: BlockDevice; reader: CopyReader }, dst: BlockDevice, at: number, sparse: boolean): number {
  const piece = new Uint8Array(Math.min(STEP_BYTES, src.dev.size - at, dst.size - at));
  src.reader.read(at, piece);
  if (!sparse || !isZero(piece)) dst.write(at, piece);
  return piece.length;
}

function fileSize(path: string): number {
  try {
    return fs.statSync(path).size;
  } catch {
    return 0; // reading the dump says why at the first step
  }
}
