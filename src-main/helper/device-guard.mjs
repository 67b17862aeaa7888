// What the privileged helper may open, and how it opens it without a race (docs/adr/0004).
// Plain JavaScript with no imports but node built-ins: it runs as root with bare `node`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describeForeignLocks, foreignLocksIn, lockTableNameOf } from './lock-holders.mjs';
import { flockWith, systemTools, writeLockWith } from './write-lock.mjs';

/** Linux's O_PATH (generic and x86 value): a handle on the inode that opens no driver. */
export const O_PATH = 0o10000000;
/** The admin-only policy: root-owned, writable by root only. `{"allowMounted": true}` lifts the mount rule. */
export const POLICY_FILE = '/etc/snapscope/helper-policy.json';
const STORE_MAGICS = [0x70416e53 /* persistent "SnAp" */, 0x10161974 /* shared */];

export class Refused extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export function majorMinor(rdev) {
  const r = BigInt(rdev);
  return `${Number((r >> 8n) & 0xfffn)}:${Number((r & 0xffn) | ((r >> 12n) & 0xfff00n))}`;
}

/**
 * A handle on what `p` names, taken without opening it: the path is resolved, then its last
 * component opened O_PATH|O_NOFOLLOW (a link swapped in meanwhile is refused, not followed), and
 * the handle fstat'ed. Returns { fd, st } for a block device; closes and throws for anything else.
 */
export function blockHandle(p) {
  if (typeof p !== 'string' || !p.startsWith('/')) throw new Refused('EINVAL', 'path must be absolute');
  let real;
  try {
    real = fs.realpathSync(p);
  } catch (e) {
    throw new Refused(e.code ?? 'ENOENT', `${p}: ${e.code === 'ENOENT' ? 'no such device' : e.message}`);
  }
  let fd;
  try {
    fd = fs.openSync(real, O_PATH | fs.constants.O_NOFOLLOW);
  } catch (e) {
    throw new Refused(e.code === 'ELOOP' ? 'ENOTBLK' : (e.code ?? 'EIO'), `${p} changed while opening; refused`);
  }
  const st = fs.fstatSync(fd);
  if (!st.isBlockDevice()) {
    fs.closeSync(fd);
    throw new Refused('ENOTBLK', `${p} is not a block device; the helper opens block devices only`);
  }
  return { fd, st };
}

/**
 * Opens the block device behind an O_PATH handle for I/O: through /proc/self/fd, which reopens
 * that very inode whatever the path names now, then checks the new descriptor is the same device.
 */
export function reopen(handle, write, direct = false) {
  const flags = (write ? fs.constants.O_RDWR | fs.constants.O_EXCL : fs.constants.O_RDONLY) | (direct ? fs.constants.O_DIRECT : 0);
  const fd = fs.openSync(`/proc/self/fd/${handle.fd}`, flags);
  const st = fs.fstatSync(fd);
  if (!st.isBlockDevice() || st.rdev !== handle.st.rdev) {
    fs.closeSync(fd);
    throw new Refused('ENOTBLK', 'the device changed while opening; refused');
  }
  return fd;
}

/** The devices named at launch (the ones the privilege prompt confirmed): path → device number, or null when it was no block device. */
export function confirmedDevices(paths) {
  const out = new Map();
  for (const p of paths) {
    try {
      const h = blockHandle(p);
      fs.closeSync(h.fd);
      out.set(p, h.st.rdev);
    } catch {
      out.set(p, null); // OPEN of it says why
    }
  }
  return out;
}

/** The admin-only policy, trusted only from a root-owned file no one else can write. */
export function loadPolicy(file = POLICY_FILE) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return { allowMounted: false };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.uid !== 0 || (st.mode & 0o022) !== 0) return { allowMounted: false };
    const v = JSON.parse(fs.readFileSync(fd, 'utf8'));
    return { allowMounted: v?.allowMounted === true };
  } catch {
    return { allowMounted: false };
  } finally {
    fs.closeSync(fd);
  }
}

/** major:minor of every mounted block device and active swap device. */
export function devicesInUse() {
  const used = new Set();
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f.length > 2 && f[2] !== '0:0' && !f[2].startsWith('0:')) used.add(f[2]);
    // A mount whose source is a block device node (btrfs and some others report a virtual 0:N above).
    const dash = f.indexOf('-');
    const source = dash > 0 ? f[dash + 2] : undefined;
    if (source?.startsWith('/dev/')) {
      try {
        const st = fs.statSync(source);
        if (st.isBlockDevice()) used.add(majorMinor(st.rdev));
      } catch {
        /* gone */
      }
    }
  }
  try {
    for (const line of fs.readFileSync('/proc/swaps', 'utf8').split('\n').slice(1)) {
      const dev = line.split(/\s+/)[0];
      if (!dev) continue;
      try {
        const st = fs.statSync(dev);
        if (st.isBlockDevice()) used.add(majorMinor(st.rdev));
      } catch {
        /* a swap file, or gone */
      }
    }
  } catch {
    /* no swap accounting */
  }
  return used;
}

/** The device and everything that reads through it: its partitions and its holders, recursively. */
function dependents(mm) {
  const seen = new Set();
  const walk = (id) => {
    if (seen.has(id)) return;
    seen.add(id);
    const dir = `/sys/dev/block/${id}`;
    let entries = [];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      if (fs.existsSync(path.join(dir, e, 'partition'))) walk(readDev(path.join(dir, e, 'dev')));
    }
    let holders = [];
    try {
      holders = fs.readdirSync(path.join(dir, 'holders'));
    } catch {
      /* none */
    }
    for (const h of holders) walk(readDev(`/sys/class/block/${h}/dev`));
  };
  walk(mm);
  seen.delete(null);
  return seen;
}

function readDev(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Whether the open device starts with a snapshot store's magic (a COW that a mounted snapshot reads through). */
function holdsStore(fd) {
  const b = Buffer.alloc(4);
  try {
    if (fs.readSync(fd, b, 0, 4, 0) !== 4) return false;
  } catch {
    return false;
  }
  return STORE_MAGICS.includes(b.readUInt32LE(0));
}

/**
 * Refuses a device that holds a mounted file system or swap — itself, a partition of it, or a
 * device stacked on it — unless it holds a snapshot store (a COW under a live snapshot) or the
 * admin policy allows mounted devices. Raw reads of such a device would bypass every file
 * permission on it (/etc/shadow on the system disk).
 */
export function refuseMounted(handle, ioFd, p, policy) {
  if (policy.allowMounted) return;
  const used = devicesInUse();
  const busy = [...dependents(majorMinor(handle.st.rdev))].find((d) => used.has(d));
  if (busy === undefined || holdsStore(ioFd)) return;
  const what = busy === majorMinor(handle.st.rdev) ? 'holds a mounted file system or swap' : `holds a mounted file system or swap (through ${busy})`;
  throw new Refused('EACCES', `${p} ${what}; the helper does not open it (an admin can allow this in ${POLICY_FILE})`);
}

/**
 * Takes a writer's locks on the device open for writing, as the CLI and app writers do on theirs
 * (write-lock.mjs; docs/adr/0006): the exclusive flock makes snapscope's readers and writers see
 * this one, the OFD write lock makes other programs (qemu) back off. Refuses when another open file
 * holds the flock (EFLOCKED), or another program a POSIX or OFD lock on the device (ELOCKED, its
 * message naming the holders: as root the helper can name any user's).
 */
export function lockForWriting(fd, p) {
  const result = writeLockWith(spawnSync, fd, systemTools(fs.existsSync));
  if (result === 'locked') return;
  if (result === 'conflict') throw new Refused('EFLOCKED', `${p} is in use by another process (it holds a flock on it)`);
  let table = '';
  try {
    table = fs.readFileSync('/proc/locks', 'latin1');
  } catch {
    /* 'foreign' is refused all the same; 'flock-only' then has only O_EXCL */
  }
  const locks = foreignLocksIn(table, lockTableNameOf(fs.fstatSync(fd, { bigint: true })), 'any');
  if (result === 'foreign' || locks.length) throw new Refused('ELOCKED', describeForeignLocks(locks));
}

/**
 * A reader's shared flock on the device open for reading, as a direct reader without a holder
 * record takes one (docs/adr/0006): writers of every user (whose records the client's cannot be
 * seen by) are refused while it reads. 'conflict': a writer holds the exclusive flock (the client
 * reads on, saying so); 'unavailable': no flock(1) here.
 */
export function lockForReading(fd) {
  return flockWith(spawnSync, fd, 'shared', systemTools(fs.existsSync));
}
