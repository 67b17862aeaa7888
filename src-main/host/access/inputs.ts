import { isSnapscopeError, SnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { FileDevice } from '../file-device.ts';
import { HelperDevice, HelperLockedError, type HelperLauncher } from '../helper-device.ts';
import { mayOpen } from '../may-open.ts';
import { assertNotInUse } from '../in-use.ts';
import { blockDeviceReadOnly } from './block-info.ts';
import { describeHolders, holdersOf, recordHolder, type Holder } from './holders.ts';
import { settleInterruptedRewrite } from './interrupted-rewrite.ts';
import { foreignHolders, foreignWriters, relatedStorage, type Related } from './foreign-locks.ts';
import { exclusiveFlockIn, lockTable, lockTableName, lockTableNameAt, lockTableNow, tryLock, tryWriteLock } from './lock.ts';
import { fdKey, inspectTarget, type Target } from './target.ts';

export interface OpenedInput {
  dev: BlockDevice;
  target: Target;
  viaHelper: boolean;
  /**
   * What the opener is told, known at open: an interrupted rewrite undone, or, to a reader, who is
   * writing the target by their record or a refused shared lock (it reads the last committed state).
   */
  note: string | null;
  /**
   * The note in full, for a caller that shows it: `note`, or else what a reader's look in the
   * kernel's lock table finds: an exclusive flock held without a record (a writer of another user,
   * flock(1)), or another program's POSIX or OFD write lock (a warning: what is read may be
   * changing). The first call starts that look: /proc/locks read on the thread pool (lockTable),
   * so a caller asks at once and reads the store meanwhile. Writers and callers that never ask pay nothing.
   */
  fullNote(): Promise<Note | null>;
}

/** What the opener of an input is told; a warning when what it reads may change under it (another program writes it). */
export interface Note {
  text: string;
  warning: boolean;
}

/**
 * Opens a store, an origin or any other input of a command — the one way in. A writer: refuses a
 * target someone else uses (dm table, mount, loop, holders) and a read-only device or file up
 * front, opens block devices O_EXCL, and holds an exclusive lock while open (a second writer,
 * CLI or UI, is refused naming the holder, and so is a target another program holds a POSIX or
 * OFD lock on). A reader records itself as one (a writer is refused while it reads); when a writer
 * holds the target it says so and reads on (the stores' commits are atomic, so it sees a committed
 * state); under another program's write lock it warns that what it reads may be changing.
 * A block device this user may not open goes through the privileged helper when one is given.
 */
export function openInput(path: string, role: string, write: boolean, helper: HelperLauncher | null = null, opts: { raw?: boolean } = {}): OpenedInput {
  const target = inspectTarget(path);
  assertOpenable(target, role);
  if (write) assertWritable(target, role);
  // A COW whose in-place rewrite was interrupted is undone first (`raw`: backup-restore, which undoes it itself).
  const settle = (dev: BlockDevice): string | null => (role === 'COW' && !opts.raw ? settleInterruptedRewrite(dev, path, write) : null);
  if (target.kind === 'block' && helper && !mayOpen(path, write)) return openViaHelper(helper, target, role, write, settle);
  const dev = openOrNameHolder(path, target, role, write);
  try {
    if (fdKey(dev.handle()) !== target.key) throw new SnapscopeError('io', `${path} changed while it was being opened; try again`, { device: path });
    const note = lock(dev, target, role, write);
    const settled = settle(dev);
    return opened(dev, target, false, settled === null ? note : known(settled));
  } catch (e) {
    dev.close();
    throw e;
  }
}

/**
 * Opens the device, O_EXCL for a writer of a block device. Its EBUSY says "in use" without saying
 * by whom: when a writer's record names the holder (another snapscope), the refusal is that lock's.
 */
function openOrNameHolder(path: string, target: Target, role: string, write: boolean): FileDevice {
  try {
    return FileDevice.open(path, { write, exclusive: write && target.kind === 'block' });
  } catch (e) {
    const writers = recordedWriters(e, target);
    if (!writers.length) throw e;
    throw heldForWriting(target, role, writers);
  }
}

/**
 * An open through the privileged helper, which opens as root, O_EXCL and under a writer's locks for
 * writing (ADR 0006): it refuses another program's lock on the device itself, we one on storage
 * sharing its bytes. This process is the holder (the helper ends with it), so it records itself as
 * its direct opens do, first: a reader keeps writers off, and each is named in the other's refusal.
 * A reader also has the helper hold a shared flock for it: its record cannot be seen by writers of
 * other users (root's CLI, say), nor written at all without a runtime directory, and the flock keeps
 * them off all the same; it costs a child process in a helper whose start costs far more.
 */
function openViaHelper(helper: HelperLauncher, target: Target, role: string, write: boolean, settle: (dev: BlockDevice) => string | null): OpenedInput {
  const claimed = claim(target, write);
  const dev = openThroughHelper(helper, target, role, write, claimed);
  try {
    dev.whenClosed(claimed.remove);
    const holders = claimed.others();
    if (write) {
      if (holders.some((h) => keepsWriterOff(h, target))) throw refusedBy(target, role, holders);
      const name = lockTableNameAt(target.path, target.key!);
      const foreign = name === null ? null : foreignHolders('locked', name, target);
      if (foreign !== null) throw foreignLocked(target, role, foreign);
    }
    const settled = settle(dev);
    if (settled !== null || write) return opened(dev, target, true, known(settled));
    const writers = holders.filter((h) => h.mode === 'write');
    if (writers.length || dev.sharedLock === 'conflict') return opened(dev, target, true, known(readerNote(target, writers)));
    // A reader looks in the kernel's lock table as its own opens do (another program's write lock).
    const name = lockTableNameAt(target.path, target.key!);
    return opened(dev, target, true, name === null ? known(null) : kernelLook(name, target));
  } catch (e) {
    dev.close();
    throw e;
  }
}

/**
 * A device opened (`open`) for another reader than openInput's: a live COW (live/live-cow.ts), read
 * with O_DIRECT, directly or through the privileged helper, and never locked (the kernel holds it).
 * This process is its holder all the same, so it records itself as a reader first, as openInput
 * does, until the device is closed: a writer of ours is refused naming it.
 */
export function openRecordedReader<D extends BlockDevice & { whenClosed(f: () => void): void }>(path: string, open: () => D): D {
  const target = inspectTarget(path);
  const claimed = target.extents.length ? claim(target, false) : null;
  try {
    const dev = open();
    if (claimed) dev.whenClosed(claimed.remove);
    return dev;
  } catch (e) {
    claimed?.remove();
    throw e;
  }
}

/** The helper's open, its refusals said as ours are: another program's lock named, a writer of ours by its record. */
function openThroughHelper(helper: HelperLauncher, target: Target, role: string, write: boolean, claimed: Claim): HelperDevice {
  try {
    return HelperDevice.open(helper, target.path, { write, shared: !write });
  } catch (e) {
    const others = claimed.others();
    claimed.remove();
    if (e instanceof HelperLockedError && e.foreign !== null) throw foreignLocked(target, role, e.foreign);
    // The flock held (by a writer, or a reader's through a helper): named by their records as lock() names them.
    if (e instanceof HelperLockedError) throw refusedBy(target, role, others);
    // Its O_EXCL open's EBUSY: named as openOrNameHolder names it.
    const writers = isSnapscopeError(e) && e.code === 'in-use' ? others.filter((h) => h.mode === 'write') : [];
    if (!writers.length) throw e;
    throw heldForWriting(target, role, writers);
  }
}

/** After an open failed as in use (O_EXCL's EBUSY, a flock held): the writers of ours whose records hold the target's bytes. */
function recordedWriters(e: unknown, target: Target): Holder[] {
  return isSnapscopeError(e) && e.code === 'in-use' ? target.extents.flatMap((x) => holdersOf(x)).filter((h) => h.mode === 'write') : [];
}

/** The refusal of a target open for writing by `writers` ("another process" when none is recorded). */
function heldForWriting(target: Target, role: string, writers: Holder[]): LockedError {
  const who = describeHolders(writers);
  return new LockedError(`${role} ${target.path} is open for writing by ${who}; nothing was written (try again when it is closed)`, target.path, `open for writing by ${who}`);
}

/** An input's note: known at open, or still to be looked for (a reader's look in the kernel's lock table). */
interface InputNote {
  now: string | null;
  look: (() => Promise<Note | null>) | null;
}

const known = (note: string | null): InputNote => ({ now: note, look: null });

function opened(dev: BlockDevice, target: Target, viaHelper: boolean, note: InputNote): OpenedInput {
  let full: Promise<Note | null> | null = null;
  const now = note.now === null ? null : { text: note.now, warning: false };
  return { dev, target, viaHelper, note: note.now, fullNote: () => (full ??= note.look ? note.look() : Promise.resolve(now)) };
}

/** Only images and block devices hold stores: a directory, pipe or terminal is a usage error. */
export function assertOpenable(t: Target, role: string): void {
  if (t.kind === 'missing') throw new SnapscopeError('not-found', `${t.path}: no such file or device`, { device: t.path });
  if (t.kind === 'directory') throw new SnapscopeError('usage', `${t.path} is a directory, not an image or device`, { device: t.path });
  if (t.kind === 'stream') throw new SnapscopeError('usage', `${role} ${t.path} is a pipe or character device, not an image or block device`, { device: t.path });
}

/** Refusals that must come before the first write, not at it: in use, read-only device, read-only file. */
export function assertWritable(t: Target, role: string): void {
  assertNotInUse(t.path, role);
  if (t.kind === 'block' && blockDeviceReadOnly(t.stat!.rdev)) {
    throw new SnapscopeError('read-only', `${role} ${t.path} is a read-only device (losetup -r, blockdev --setro or write-protected); refusing to write to it`, { device: t.path });
  }
  if (t.kind === 'file' && (t.stat!.mode & 0o222) === 0) {
    throw new SnapscopeError('read-only', `${role} ${t.path} is a read-only file (mode ${(t.stat!.mode & 0o777).toString(8)}); refusing to write to it`, { device: t.path });
  }
}

/**
 * Locks an open device against our other openers and records this process as its holder; returns a
 * reader's note, or how to look for it. Readers and writers exclude each other by each announcing
 * itself first and then looking for the other (ADR 0006): a writer records itself, takes the
 * exclusive kernel lock (and an OFD lock: another program's fcntl lock refuses it) and then looks
 * for readers' records; a reader records itself (its record is its lock: no child process, which
 * is most of a CLI reader's start-up) and then looks for a writer's record, and, when its caller
 * asks for the note, in the kernel's lock table. Whichever comes second sees the first. A reader
 * that cannot record itself (no runtime directory) takes a shared kernel lock instead.
 */
function lock(dev: FileDevice, target: Target, role: string, write: boolean): InputNote {
  const claimed = claim(target, write);
  if (!write && claimed.kept) {
    dev.whenClosed(claimed.remove);
    const writers = claimed.others().filter((h) => h.mode === 'write');
    if (writers.length) return known(readerNote(target, writers));
    return kernelLook(lockTableName(dev.handle()), target);
  }
  const result = write ? tryWriteLock(dev.handle()) : tryLock(dev.handle(), 'shared');
  if (result !== 'conflict' && !(write && claimed.others().some((h) => keepsWriterOff(h, target)))) {
    // Then another program's lock (snapscope's own holders were named by their records above).
    const foreign = result === 'unavailable' || !write ? null : foreignHolders(result, lockTableName(dev.handle()), target);
    if (foreign !== null) {
      claimed.remove();
      throw foreignLocked(target, role, foreign);
    }
    dev.whenClosed(claimed.remove);
    return write ? known(null) : kernelLook(lockTableName(dev.handle()), target);
  }
  const holders = claimed.others();
  claimed.remove();
  // A reader is only refused by a writer; a writer by either.
  if (!write) return known(readerNote(target, holders.filter((h) => h.mode === 'write')));
  throw refusedBy(target, role, holders);
}

/**
 * A writer backs off from a reader, and from a writer through another node (a second loop device
 * over the same file), which the kernel lock on this node does not see. A writer through this node
 * is the kernel lock's to refuse: its record may be a loser's, about to go.
 */
const keepsWriterOff = (h: Holder, target: Target): boolean => h.mode === 'read' || (h.via !== undefined && h.via !== target.key);

/** This process's records as a holder of the target (one per extent), and a look at everyone else's. */
interface Claim {
  /** False when there was no runtime directory to write them in: nobody else can see them. */
  kept: boolean;
  remove(): void;
  /** The live holders of the target's bytes but us. */
  others(): Holder[];
}

/**
 * One record per extent: a loop device's (or partition's) holder is seen by those who open the
 * same bytes through its backing file (disk) or another device over them, whose kernel locks (on
 * other inodes) it does not share.
 */
function claim(target: Target, write: boolean): Claim {
  const records = target.extents.map((e) => recordHolder(e, write ? 'write' : 'read', target.key!));
  return {
    kept: records[0]!.kept,
    remove: () => records.forEach((r) => r.remove()),
    others: () => records.flatMap((r, i) => holdersOf(target.extents[i]!, r.name)),
  };
}

/**
 * A writer's refusal by the holders it met: named by its writers if any, else by its readers. With
 * no record (a flock alone), only an exclusive flock in the lock table says a writer holds it; a
 * shared one is a reader's (through the helper, which records nothing for other users' writers to
 * see) or flock --shared: "in use".
 */
function refusedBy(target: Target, role: string, holders: Holder[]): LockedError {
  if (!holders.length) {
    const how = flockedForWriting(target) ? 'open for writing' : 'in use';
    // The session's read-only reason says "is in use (<holder>)".
    return new LockedError(`${role} ${target.path} is ${how} by another process; nothing was written (try again when it is closed)`, target.path, `${how === 'in use' ? 'held' : how} by another process`);
  }
  const writers = holders.filter((h) => h.mode === 'write');
  const mode = writers.length ? 'writing' : 'reading';
  const who = describeHolders(writers.length ? writers : holders);
  return new LockedError(`${role} ${target.path} is open for ${mode} by ${who}; nothing was written (try again when it is closed)`, target.path, `${mode === 'writing' ? 'open for writing' : 'open'} by ${who}`);
}

/**
 * A dry run opens read-only, yet says whether the run, which opens `path` for writing, would be
 * refused at that open, in its words: a target in use or read-only; held by a reader or writer of
 * ours (by their records; a flock without one: "another process"); under another program's lock.
 */
export function assertWouldWrite(path: string, role: string): void {
  const target = inspectTarget(path);
  assertOpenable(target, role);
  assertWritable(target, role);
  const holders = target.extents.flatMap((x) => holdersOf(x));
  if (holders.length) throw refusedBy(target, role, holders);
  const name = target.key === null ? null : lockTableNameAt(path, target.key);
  const table = name === null ? null : lockTableNow();
  if (table !== null && exclusiveFlockIn(table, name!, true)) throw refusedBy(target, role, []);
  // Another program's POSIX or OFD lock on it or on storage sharing its bytes (/proc/locks, read now).
  const foreign = name === null ? null : foreignHolders('flock-only', name, target);
  if (foreign !== null) throw foreignLocked(target, role, foreign);
}

/** Whether /proc/locks, read now, shows an exclusive flock on the target (by its node, if it is still the same storage). */
function flockedForWriting(target: Target): boolean {
  const name = target.key === null ? null : lockTableNameAt(target.path, target.key);
  const table = name === null ? null : lockTableNow();
  return table !== null && exclusiveFlockIn(table, name!);
}

const foreignLocked = (target: Target, role: string, who: string): LockedError => new LockedError(`${role} ${target.path} is locked by ${who}: refusing to write it`, target.path, `locked by ${who}`);

/**
 * A reader's look in the kernel's lock table for the file /proc/locks names `name`, made when its
 * caller asks for the note. Named at open: the look may come after the device is closed and its descriptor reused.
 */
function kernelLook(name: string, target: Target): InputNote {
  const related = relatedStorage(target);
  return { now: null, look: async () => lookedUp(await lockTable(), name, related, target) };
}

/** What a reader's look in the lock table finds: a writer's exclusive flock, or else other programs' write locks on it or on storage sharing its bytes. */
function lookedUp(table: string | null, name: string, related: readonly Related[], target: Target): Note | null {
  if (table === null) return null;
  if (exclusiveFlockIn(table, name)) return { text: readerNote(target, []), warning: false };
  const who = foreignWriters(table, name, related);
  return who === null ? null : { text: `${target.path} is locked for writing by ${who}; what is read may be changing`, warning: true };
}

/** A writer holds the target: the reader reads on (commits are atomic) and says so. */
function readerNote(target: Target, writers: readonly Holder[]): string {
  return `${target.path} is open for writing by ${describeHolders(writers)}; reading its last committed state`;
}

/** A writer found the target locked by another: the UI then opens it read-only, saying by whom. */
export class LockedError extends SnapscopeError {
  constructor(
    message: string,
    device: string,
    /** "open for writing by snapscope replay (pid 4242)". */
    readonly holder: string,
  ) {
    super('in-use', message, { device });
  }
}
