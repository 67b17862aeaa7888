import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

/**
 * Who holds a store: one small record per lock in a runtime directory, named by the target's
 * identity key and the holder's pid. The kernel lock decides; the record only lets the refusal
 * name the holder ("open for writing by snapscope serve (pid 4242)"). Records of dead processes
 * are ignored and removed.
 */
export interface Holder {
  pid: number;
  command: string;
  mode: 'read' | 'write';
}

function runtimeDir(): string {
  const xdg = process.env['XDG_RUNTIME_DIR'];
  const base = xdg && path.isAbsolute(xdg) ? path.join(xdg, 'snapscope') : process.getuid?.() === 0 ? '/run/snapscope' : path.join(os.tmpdir(), `snapscope-${process.getuid?.() ?? 'user'}`);
  fs.mkdirSync(base, { recursive: true, mode: 0o700 });
  // In a shared /tmp someone else could have made it first (or a symlink to somewhere): not ours, not used.
  const st = fs.lstatSync(base);
  if (!st.isDirectory() || st.uid !== process.getuid?.()) throw new Error(`${base} is not a directory of this user`);
  return base;
}

const prefixOf = (key: string): string => `${key.replace(/[^A-Za-z0-9:-]/g, '_')}.`;
let serial = 0;

export interface HolderRecord {
  name: string;
  remove(): void;
}

/** Records that this process holds (or is about to hold) `key`; remove() when it no longer does. */
export function recordHolder(key: string, mode: Holder['mode']): HolderRecord {
  const name = `${prefixOf(key)}${process.pid}.${++serial}.json`;
  let file: string;
  try {
    file = path.join(runtimeDir(), name);
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, command: holderName(), mode } satisfies Holder));
  } catch {
    return { name, remove: () => {} }; // no runtime directory: refusals then say "another process"
  }
  return { name, remove: () => fs.rmSync(file, { force: true }) };
}

/** The live holders of `key` but the record `except` (our own, written before trying the lock). */
export function holdersOf(key: string, except = ''): Holder[] {
  let dir: string;
  let names: string[];
  try {
    dir = runtimeDir();
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const prefix = prefixOf(key);
  const holders: Holder[] = [];
  for (const n of names.filter((x) => x.startsWith(prefix) && x !== except)) {
    try {
      const h = JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as Holder;
      if (alive(h.pid)) holders.push(h);
      else fs.rmSync(path.join(dir, n), { force: true });
    } catch {
      // a record being written or removed right now
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
if (isMainThread) process.env[NAME_VARIABLE] = `${process.pid}:${holderName()}`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
