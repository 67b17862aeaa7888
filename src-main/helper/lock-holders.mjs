// Who holds other programs' fcntl locks on a file, from /proc/locks and /proc/<pid>/fdinfo: shared
// by the CLI and app (host/access/foreign-locks.ts) and the privileged helper, which as root can
// name holders of any user. Plain JavaScript with no imports but node:fs: the helper runs it with bare `node`.
import fs from 'node:fs';

/**
 * The POSIX and OFD locks on the file /proc/locks names `name` ("<maj>:<min>:<ino>"), waiters
 * ("1: -> POSIX ...") left out: they hold nothing. Lines look like
 * "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF" and "2: OFDLCK ADVISORY  READ  -1 08:01:5678 100 101".
 * `which`: 'write' leaves read locks out. This process's own locks are not another program's: a
 * POSIX lock with its pid, an OFD lock its /proc/self/fdinfo lists (a writer of ours on the same
 * file through another node). Each: { kind: 'POSIX' | 'OFD', write, pid } (pid null when unknown).
 */
export function foreignLocksIn(table, name, which) {
  const posix = [];
  const ofd = [];
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[5] !== name || (which === 'write' && f[3] !== 'WRITE')) continue;
    if (f[1] === 'POSIX' && Number(f[4]) !== process.pid) posix.push({ kind: 'POSIX', write: f[3] === 'WRITE', pid: Number(f[4]) });
    if (f[1] === 'OFDLCK') ofd.push(lockOf(f));
  }
  if (!ofd.length) return posix;
  for (const own of ofdLocksIn(fdinfoOf(process.pid), name)) {
    const i = ofd.indexOf(own);
    if (i >= 0) ofd.splice(i, 1);
  }
  if (!ofd.length) return posix;
  // OFD locks show pid -1: their holders are the processes with that file open whose fdinfo lists them.
  const holders = ofdHolders(name);
  return [
    ...posix,
    ...ofd.flatMap((l) => {
      const pids = holders.filter((h) => h.locks.includes(l)).map((h) => h.pid);
      return (pids.length ? pids : [null]).map((pid) => ({ kind: 'OFD', write: l.startsWith('WRITE'), pid }));
    }),
  ];
}

/** An OFD lock by what tells it apart in the table and in fdinfo alike: "READ 100 101". */
const lockOf = (f) => `${f[3]} ${f[6]} ${f[7]}`;

/** The OFD locks on `name` in the fdinfo texts of a process's open files, each once (an open file shared by two fds lists them twice). */
function ofdLocksIn(fdinfos, name) {
  const locks = new Set();
  for (const text of fdinfos) {
    for (const line of text.split('\n')) {
      const f = line.startsWith('lock:') ? line.slice(5).trim().split(/\s+/) : [];
      if (f[1] === 'OFDLCK' && f[5] === name) locks.add(lockOf(f));
    }
  }
  return [...locks];
}

/**
 * The processes whose open files carry OFD locks on `name`, with those locks: /proc/<pid>/fdinfo/<fd> lists an open file's
 * locks ("lock:\t1: OFDLCK ADVISORY  READ -1 fe:00:1564727 100 101"). One pass over every open
 * file of the processes this user may look at (a few ms for a few thousand); made only for a
 * refusal or a warning. Processes of other users stay unknown to a user who is not root.
 */
function ofdHolders(name) {
  return readdir('/proc')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid)
    .map((pid) => ({ pid, locks: ofdLocksIn(fdinfoOf(pid), name) }))
    .filter((h) => h.locks.length > 0);
}

/** The fdinfo texts of a process's open files; those that cannot be read (closed meanwhile, not ours to read) left out. */
function fdinfoOf(pid) {
  const dir = `/proc/${pid}/fdinfo`;
  return readdir(dir).flatMap((fd) => {
    try {
      return [fs.readFileSync(`${dir}/${fd}`, 'latin1')];
    } catch {
      return [];
    }
  });
}

function readdir(dir) {
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
export function describeForeignLocks(locks) {
  const seen = new Set();
  const names = [];
  for (const l of locks) {
    const who = l.pid === null || l.pid <= 0 ? `another process (${l.kind === 'OFD' ? 'an' : 'a'} ${l.kind} lock, holder unknown)` : withName(l.pid, l.kind);
    if (!seen.has(who)) names.push(who);
    seen.add(who);
  }
  return names.length ? names.join(', ') : 'another process (a POSIX or OFD lock, not in /proc/locks when looked for)';
}

function withName(pid, kind) {
  try {
    return `${fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim()} (pid ${pid}, ${kind} lock)`;
  } catch {
    return `pid ${pid} (${kind} lock)`; // gone, or in another pid namespace
  }
}

/**
 * The name /proc/locks gives the file a (bigint) fstat describes: "<maj>:<min>:<ino>", the numbers
 * of the device holding the inode (for a device node, its file system's) in hex.
 */
export function lockTableNameOf(st) {
  const major = ((st.dev >> 8n) & 0xfffn) | ((st.dev >> 32n) & ~0xfffn);
  const minor = (st.dev & 0xffn) | ((st.dev >> 12n) & ~0xffn);
  return `${hex2(major)}:${hex2(minor)}:${st.ino}`;
}

const hex2 = (n) => n.toString(16).padStart(2, '0');
