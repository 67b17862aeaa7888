// A writer's kernel locks on its open descriptor, shared by the CLI and app writers (host/access/lock.ts)
// and the privileged helper's (run-helper.mjs), so each sees the others and other programs alike
// (docs/adr/0006). Plain JavaScript with no imports: the helper runs as root with bare `node`, and
// a CLI reader, which spawns nothing, should not load node:child_process; callers pass spawnSync.

/**
 * perl is on every Debian and most other systems (perl-base is essential). Exit 1: the flock is
 * held by another; 2: an fcntl lock of another program is in the way; 3: no OFD lock here.
 * flock 6: LOCK_EX | LOCK_NB. struct flock on 64-bit Linux: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t
 * l_pid; F_WRLCK 1, SEEK_SET 0, length 0 (to the end, however far it grows), F_OFD_SETLK 37;
 * EAGAIN 11, EACCES 13 (as numbers: perl's %! loads its Errno module, 2-3 ms of the child's start).
 */
export const WRITE_LOCK = `open(my $f, "+<&=3") or exit 3;
flock($f, 6) or exit 1;
my $l = pack("s s x4 q q l x4", 1, 0, 0, 0, 0);
fcntl($f, 37, $l) and exit 0;
exit($! == 11 || $! == 13 ? 2 : 3);`;

/** Architectures whose F_WRLCK, F_OFD_SETLK and struct flock are the ones WRITE_LOCK packs. */
const OFD_ARCHES = new Set(['x64', 'arm64']);

/**
 * flock(1) on `fd` (passed as the child's fd 3): 'locked', 'conflict' (another open file holds an
 * incompatible flock) or 'unavailable' (no flock(1)). `tools` names the programs to run (root's
 * helper gives absolute paths and an empty environment: it runs nothing from its caller's PATH).
 */
export function flockWith(spawnSync, fd, mode, tools = PATH_TOOLS) {
  const r = spawnSync(tools.flock, ['--nonblock', mode === 'shared' ? '--shared' : '--exclusive', '3'], { stdio: ['ignore', 'ignore', 'ignore', fd], timeout: 10_000, env: tools.env });
  if (r.error) return 'unavailable';
  return r.status === 0 ? 'locked' : 'conflict';
}

/**
 * A writer's lock on `fd`: the exclusive flock and an OFD write lock on the whole file ('locked'),
 * 'conflict' (another open file holds the flock), 'foreign' (another program's POSIX or OFD lock is
 * in the way) or 'flock-only' (no OFD lock could be taken: the caller looks in /proc/locks).
 */
export function writeLockWith(spawnSync, fd, tools = PATH_TOOLS) {
  if (OFD_ARCHES.has(process.arch)) {
    const r = spawnSync(tools.perl, ['-e', WRITE_LOCK], { stdio: ['ignore', 'ignore', 'ignore', fd], timeout: 10_000, env: tools.env });
    if (!r.error && r.status !== null && r.status <= 2) return ['locked', 'conflict', 'foreign'][r.status];
    // exit 3 (the flock may be ours: flock(1) takes it again), no perl, or killed
  }
  return flockWith(spawnSync, fd, 'exclusive', tools) === 'conflict' ? 'conflict' : 'flock-only';
}

/** The programs as found on PATH, in the caller's environment. */
export const PATH_TOOLS = Object.freeze({ perl: 'perl', flock: 'flock', env: undefined });

/**
 * The programs at their system paths, run with an empty environment: for the helper, which runs
 * as root and must run nothing its caller's PATH or PERL5OPT could choose. A missing one fails to
 * start, as a missing program on PATH does.
 */
export function systemTools(exists) {
  const find = (name) => ['/usr/bin', '/bin'].map((d) => `${d}/${name}`).find(exists) ?? `/usr/bin/${name}`;
  return { perl: find('perl'), flock: find('flock'), env: {} };
}
