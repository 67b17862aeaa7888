import { SnapscopeError } from '../../src-core/errors.ts';
import { openStore } from '../../src-core/open.ts';
import type { ExceptionStore, OpenOptions } from '../../src-core/store.ts';
import { openInput, type Note } from '../host/access/inputs.ts';
import { originCowShared } from '../host/access/target.ts';
import type { FileDevice } from '../host/file-device.ts';

/**
 * How commands open their inputs: through the access layer (src-main/host/access, docs/safety.md).
 * Readers open read-only and never write; writers are refused up front when the target is in use,
 * read-only or locked by another writer, and hold an exclusive lock. Resolves once the note (a
 * writer holds what a reader reads, an interrupted rewrite undone) is printed: before the command's
 * output. `quiet`: no note, and a reader makes no look for one.
 */
export async function openDevice(path: string, role: 'COW' | 'origin', write: boolean, quiet = false): Promise<FileDevice> {
  const { dev, printNote } = openNoting(path, role, write, quiet);
  try {
    await printNote();
  } catch (e) {
    dev.close();
    throw e;
  }
  return dev;
}

/**
 * Runs `fn` on an input opened as openDevice does, but starts the reader's look for a note at once
 * instead of waiting for it: the first read of /proc/locks in a process waits 6-14 ms in the
 * kernel (ADR 0006), so `fn` reads the store meanwhile and awaits `noted` (resolved once the note
 * is printed) before its first output. The note comes before an error too; then the input closes.
 */
export async function withDevice<T>(path: string, role: 'COW' | 'origin', write: boolean, fn: (dev: FileDevice, noted: Promise<void>) => Promise<T>, quiet = false): Promise<T> {
  const { dev, printNote } = openNoting(path, role, write, quiet);
  const noted = printNote();
  noted.catch(() => {}); // handled: awaited below, maybe after it fails
  try {
    return await fn(dev, noted);
  } finally {
    try {
      await noted;
    } finally {
      dev.close();
    }
  }
}

/**
 * Opens an input and prints a note known at open at once, as it always was (a writer's note, a
 * reader's from a writer's record); `printNote` prints the one a reader's look for a writer's
 * kernel lock finds. That look reads /proc/locks on the thread pool (ADR 0006): a command that
 * reads the store first and awaits `printNote` before its output does not wait for it.
 */
function openNoting(path: string, role: 'COW' | 'origin', write: boolean, quiet = false): { dev: FileDevice; printNote: () => Promise<void> } {
  const opened = openInput(path, role, write);
  const dev = opened.dev as FileDevice;
  if (quiet) return { dev, printNote: async () => {} };
  if (opened.note !== null) {
    writeNote({ text: opened.note, warning: false });
    return { dev, printNote: async () => {} };
  }
  const note = opened.fullNote();
  return { dev, printNote: async () => writeNote(await note) };
}

function writeNote(note: Note | null): void {
  if (note !== null) process.stderr.write(`snapscope: ${note.warning ? 'warning' : 'note'}: ${note.text}\n`);
}

export type DamageOptions = Pick<OpenOptions, 'tolerateDamage' | 'force'>;

/**
 * Runs `fn` on the store in `cowPath`, closing it (and its device) whatever happens. With
 * `tolerateDamage` a damaged store opens read-only instead of failing (info, snapshot list, read);
 * `force` lets snapshots a repair marked damaged be read (OpenOptions).
 */
export async function withStore<T>(cowPath: string, write: boolean, fn: (store: ExceptionStore) => T | Promise<T>, opts: DamageOptions = {}): Promise<T> {
  const { dev, printNote } = openNoting(cowPath, 'COW', write);
  let store: ExceptionStore;
  try {
    store = openStore(dev, { write, ...opts });
  } catch (e) {
    dev.close();
    await printNote(); // before the open's error too
    throw e;
  }
  try {
    // The store was read while a reader's look for a writer's lock ran: its note comes before the output.
    await printNote();
    return await fn(store);
  } finally {
    store.close();
    dev.close();
  }
}

/**
 * Runs `fn` on a store and its origin. `originWrite` decides, once the store is open, whether the
 * origin is opened for writing. The store closes first: closing it may flush the origin.
 */
export function withVolume<T>(
  originPath: string,
  cowPath: string,
  cowWrite: boolean,
  originWrite: (store: ExceptionStore) => boolean,
  fn: (store: ExceptionStore, origin: FileDevice) => T | Promise<T>,
  opts: DamageOptions = {},
): Promise<T> {
  let origin: FileDevice | null = null;
  return withStore(cowPath, cowWrite, async (store) => {
    assertDistinct(originPath, cowPath);
    origin = await openDevice(originPath, 'origin', originWrite(store));
    return fn(store, origin);
  }, opts).finally(() => origin?.close());
}

/** The origin and the COW must be two things: one file as both would be written twice over. */
export function assertDistinct(originPath: string, cowPath: string): void {
  const shared = originCowShared(originPath, cowPath);
  if (shared) throw new SnapscopeError('usage', shared, { device: originPath });
}

/** Refuses a write through a store opened read-only because it is invalid, with the reason. */
export function requireWritable(store: ExceptionStore): void {
  if (!store.valid) throw new SnapscopeError('read-only', `${store.cow.name} is marked invalid; it opens read-only and cannot be written`, { device: store.cow.name });
}
