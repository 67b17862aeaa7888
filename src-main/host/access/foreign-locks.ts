import fs from 'node:fs';

/**
 * Other programs' fcntl locks on a file, as /proc/locks lists them: POSIX locks (F_SETLK, owned by
 * a process) and OFD locks (F_OFD_SETLK, owned by an open file: qemu's on the images it runs).
 * snapscope's own are flock(2) locks and, for a writer, an OFD lock that conflicts with every
 * other; a writer that meets one of these is refused, a reader facing a write lock warns.
 */
export interface ForeignLock {
  kind: 'POSIX' | 'OFD';
  write: boolean;
  /** The holder's pid: a POSIX lock's from the table, an OFD lock's found through /proc/<pid>/fdinfo; null when unknown. */
  pid: number | null;
}

/**
 * The POSIX and OFD locks on the file /proc/locks names `name` ("<maj>:<min>:<ino>"), waiters
 * ("1: -> POSIX ...") left out: they hold nothing. Lines look like
 * "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF" and "2: OFDLCK ADVISORY  READ  -1 08:01:5678 100 101".
 * `which`: 'write' leaves read locks out. A POSIX lock of this process is not another program's.
 */
export function foreignLocksIn(table: string, name: string, which: 'any' | 'write'): ForeignLock[] {
  const found: { kind: 'POSIX' | 'OFD'; write: boolean; pid: number }[] = [];
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[5] !== name || (f[1] !== 'POSIX' && f[1] !== 'OFDLCK') || (which === 'write' && f[3] !== 'WRITE')) continue;
    const pid = Number(f[4]);
    if (f[1] === 'POSIX' && pid === process.pid) continue;
    found.push({ kind: f[1] === 'POSIX' ? 'POSIX' : 'OFD', write: f[3] === 'WRITE', pid });
  }
  if (!found.some((l) => l.kind === 'OFD')) return found;
  // OFD locks show pid -1: their holders are the processes with that file open whose fdinfo lists them.
  const holders = ofdHolders(name);
  return found.flatMap((l): ForeignLock[] => (l.kind === 'POSIX' ? [l] : holders.length ? holders.map((pid) => ({ ...l, pid })) : [{ ...l, pid: null }]));
}

/**
 * Pids whose open files carry an OFD lock on `name`: /proc/<pid>/fdinfo/<fd> lists an open file's
 * locks ("lock:\t1: OFDLCK ADVISORY  READ -1 fe:00:1564727 100 101"). One pass over every open
 * file of the processes this user may look at (a few ms for a few thousand); made only for a
 * refusal or a warning. Processes of other users stay unknown to a user who is not root.
 */
function ofdHolders(name: string): number[] {
  const pids: number[] = [];
  for (const entry of readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const dir = `/proc/${pid}/fdinfo`;
    if (readdir(dir).some((fd) => holdsOfd(`${dir}/${fd}`, name))) pids.push(pid);
  }
  return pids;
}

function holdsOfd(fdinfo: string, name: string): boolean {
  let text: string;
  try {
    text = fs.readFileSync(fdinfo, 'latin1');
  } catch {
    return false; // closed meanwhile
  }
  return text.split('\n').some((line) => line.startsWith('lock:') && line.includes(' OFDLCK ') && line.includes(` ${name} `));
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return []; // gone, or not ours to read
  }
}

/**
 * Who holds them, one entry per holder and kind: "qemu-system-x86 (pid 4242, OFD lock)",
 * "pid 77 (POSIX lock)" when its name cannot be read, "another process (an OFD lock, holder
 * unknown)".
 */
export function describeForeignLocks(locks: readonly ForeignLock[]): string {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const l of locks) {
    const who = l.pid === null || l.pid <= 0 ? `another process (${l.kind === 'OFD' ? 'an' : 'a'} ${l.kind} lock, holder unknown)` : withName(l.pid, l.kind);
    if (!seen.has(who)) names.push(who);
    seen.add(who);
  }
  return names.length ? names.join(', ') : 'another process (its lock gone since)';
}

function withName(pid: number, kind: ForeignLock['kind']): string {
  try {
    return `${fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()} (pid ${pid}, ${kind} lock)`;
  } catch {
    return `pid ${pid} (${kind} lock)`; // gone, or in another pid namespace
  }
}
