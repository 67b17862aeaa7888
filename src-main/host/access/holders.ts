import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Extent } from './extents.ts';
import { holdsAs, otherUsersDirs, ownedBy } from './other-users.ts';

/**
 * Who holds a store: one small record per holder and storage it reaches, in a runtime directory,
 * named by the storage's identity key and the holder's pid, with the bytes of it held (a loop
 * device over part of an image holds that part; a partition its part of the disk). A reader's
 * record is its lock (writers look for them, ADR 0006); every record lets a refusal name its
 * holder ("open for writing by snapscope serve (pid 4242)"). Records of dead processes are ignored
 * and removed; one whose pid now belongs to another process (a different start time) counts as dead.
 */
export interface Holder {
  pid: number;
  /** The process's start time (clock ticks since boot, /proc/<pid>/stat), telling a reused pid apart. */
  started?: string | null;
  command: string;
  mode: 'read' | 'write';
  /** The key of the node it opened (a loop device records itself under its backing file's key too). */
  via?: string;
  /** Bytes [start, end) held of the storage the record is named by; end null: to its end. None: all of it. */
  range?: [number, number | null];
}

/** A storage and the bytes of it held or looked for. */
export type Place = Pick<Extent, 'key' | 'start' | 'end'>;

function runtimeDir(): string {
  const xdg = process.env['XDG_RUNTIME_DIR'];
  const base = xdg && path.isAbsolute(xdg) ? path.join(xdg, 'snapscope') : process.getuid?.() === 0 ? '/run/snapscope' : path.join(os.tmpdir(), `snapscope-${process.getuid?.() ?? 'user'}`);
  // Not recursive: its parent (XDG_RUNTIME_DIR, /run, the temp directory) must exist; and node's
  // recursive mkdir loops forever where mkdir says ENOENT under a parent that exists (/proc).
  try {
    fs.mkdirSync(base, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  // In a shared /tmp someone else could have made it first (or a symlink to somewhere): not ours, not used.
  const st = fs.lstatSync(base);
  if (!st.isDirectory() || st.uid !== process.getuid?.()) throw new Error(`${base} is not a directory of this user`);
  return base;
}

const prefixOf = (key: string): string => `${key.replace(/[^A-Za-z0-9:-]/g, '_')}.`;
let serial = 0;

export interface HolderRecord {
  name: string;
  /** False when there was no runtime directory to write it in: nobody else can see it. */
  kept: boolean;
  remove(): void;
}

/** Records that this process holds (or is about to hold) those bytes, opened through `via`; remove() when it no longer does. */
export function recordHolder(place: Place, mode: Holder['mode'], via = place.key): HolderRecord {
  const name = `${prefixOf(place.key)}${process.pid}.${++serial}.json`;
  let file: string;
  try {
    file = path.join(runtimeDir(), name);
    const range: Holder['range'] = [place.start, place.end === Infinity ? null : place.end];
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, started: startTime(process.pid), command: holderName(), mode, via, range } satisfies Holder));
  } catch {
    return { name, kept: false, remove: () => {} }; // no runtime directory: refusals then say "another process"
  }
  return { name, kept: true, remove: () => unlinkQuietly(file) };
}

/** The live holders of any of those bytes but the record `except` (our own, written before trying the lock). */
export function holdersOf(place: Place, except = ''): Holder[] {
  let dir: string;
  let names: string[];
  try {
    dir = runtimeDir();
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const prefix = prefixOf(place.key);
  const holders: Holder[] = [];
  for (const n of names.filter((x) => x.startsWith(prefix) && x !== except)) {
    try {
      const h = JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as Holder;
      if (!alive(h)) unlinkQuietly(path.join(dir, n));
      else if (meets(h, place)) holders.push(h);
    } catch {
      // a record being written or removed right now
    }
  }
  if (process.getuid?.() === 0) holders.push(...otherUsersHolders(place, prefix));
  return holders;
}

/** Root's look at the other users' records of those bytes: only those other-users.ts lets count; never removed here (not root's files). */
function otherUsersHolders(place: Place, prefix: string): Holder[] {
  const holders: Holder[] = [];
  for (const { dir, uid } of otherUsersDirs()) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter((x) => x.startsWith(prefix));
    } catch {
      continue;
    }
    for (const n of names) {
      const file = path.join(dir, n);
      if (!ownedBy(file, uid, (st) => st.isFile())) continue;
      try {
        const h = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
        if (!Number.isSafeInteger(h.pid) || h.started == null || (h.mode !== 'read' && h.mode !== 'write')) continue;
        // Its name reaches root's terminal: printable, short, or none.
        const command = typeof h.command === 'string' && /^[\x20-\x7e]{1,80}$/.test(h.command) ? h.command : `a process of user ${uid}`;
        if (alive(h) && meets(h, place) && holdsAs(h.pid, uid, place.key)) holders.push({ ...h, command });
      } catch {
        // being written or removed, or not a record
      }
    }
  }
  return holders;
}

/** "snapscope serve (pid 4242)", or "another process" when no record names it. */
export function describeHolders(holders: readonly Holder[]): string {
  if (!holders.length) return 'another process';
  return holders.map((h) => `${h.command} (pid ${h.pid}${h.pid === process.pid ? ', this process' : ''})`).join(', ');
}

/** How this process names itself in records: the CLI command, the server, or the desktop app. */
export function holderName(): string {
  // A worker thread (the engine of serve and of the app) has no command line of its own: the
  // main thread leaves its name in the environment the worker copies, tagged with the pid so a
  // child process that inherits it does not take it for its own.
  const [pid, inherited] = (process.env[NAME_VARIABLE] ?? '').split(/:(.*)/s);
  if (pid === String(process.pid) && inherited) return inherited;
  if (process.versions['electron']) return 'the snapscope app';
  const words = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const command = words[0] === 'snapshot' ? words.slice(0, 2) : words.slice(0, 1);
  return ['snapscope', ...command].join(' ');
}

const NAME_VARIABLE = 'SNAPSCOPE_HOLDER_NAME';
// Set once per process, by its main thread: a worker's environment is a copy of the main thread's,
// already tagged with this pid. (Not worker_threads' isMainThread: loading it costs CLI start-up.)
if (!process.env[NAME_VARIABLE]?.startsWith(`${process.pid}:`)) process.env[NAME_VARIABLE] = `${process.pid}:${holderName()}`;

/** unlink, gone already is fine (fs.rmSync would load its recursive remover for one file). */
function unlinkQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

function meets(h: Holder, place: Place): boolean {
  if (!h.range) return true;
  const [start, end] = h.range;
  return Math.max(start, place.start) < Math.min(end ?? Infinity, place.end);
}

function alive(h: Holder): boolean {
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return h.started == null || startTime(h.pid) === h.started;
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name, which may hold spaces). */
function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
