import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { onTestFinished } from 'vitest';

/**
 * Another program's fcntl lock, held by a real process for the rest of the test: perl (on every
 * Debian) opens `file`, takes the lock and says so, then sleeps until killed. Its comm is `name`
 * (perl's $0 sets it). OFD locks (F_OFD_SETLK, as qemu takes on its disk images) belong to the
 * open file, so /proc/locks shows them with pid -1; POSIX ones (F_SETLK) show the pid.
 */
export interface ForeignLockSpec {
  kind: 'POSIX' | 'OFD';
  type: 'read' | 'write';
  /** Byte range; len 0 is "to the end of the file and beyond". */
  start?: number;
  len?: number;
  name?: string;
}

// Linux's asm-generic values (x86_64, arm64): F_SETLK 6, F_OFD_SETLK 37; F_RDLCK 0, F_WRLCK 1.
// struct flock on 64-bit: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid.
const HOLDER = `
my ($file, $cmd, $type, $start, $len, $name) = @ARGV;
$0 = $name;
open(my $f, $type == 1 ? '+<' : '<', $file) or die "open $file: $!\\n";
fcntl($f, $cmd, pack('s s x4 q q l x4', $type, 0, $start, $len, 0)) or die "lock $file: $!\\n";
$| = 1;
print "locked\\n";
sleep 600;
`;

/** Starts the holder and resolves with its pid once it holds the lock; it is killed when the test ends. */
export function foreignLock(file: string, spec: ForeignLockSpec): Promise<number> {
  const args = [file, spec.kind === 'OFD' ? '37' : '6', spec.type === 'write' ? '1' : '0', String(spec.start ?? 0), String(spec.len ?? 0), spec.name ?? 'qemu-system-x86'];
  const child = spawn('perl', ['-e', HOLDER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => void child.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.once('data', () => resolve(child.pid!));
    // 'close', not 'exit': its stderr is all read by then.
    child.once('close', (code) => reject(new Error(`the lock holder exited (${code}): ${err}`)));
  });
}

/** Bytes and mtime of each file: `unchanged()` asserts neither moved. */
export function untouched(...files: string[]): { unchanged(): void } {
  const snap = (): string[] => files.map((f) => `${fs.readFileSync(f).toString('base64')}@${fs.statSync(f).mtimeMs}`);
  const before = snap();
  return {
    unchanged() {
      const after = snap();
      files.forEach((f, i) => {
        if (after[i] !== before[i]) throw new Error(`${f} changed (bytes or mtime)`);
      });
    },
  };
}

/**
 * flock(1) holding `file` in `mode` for the rest of the test, once /proc/locks shows it; resolves
 * with its pid. Its own process group: flock's child `sleep` holds the lock too, and goes with it.
 */
export async function flockHolds(file: string, mode: 'shared' | 'exclusive'): Promise<number> {
  const holder = spawn('flock', [`--${mode}`, file, 'sleep', '600'], { stdio: 'ignore', detached: true });
  onTestFinished(() => void process.kill(-holder.pid!, 'SIGKILL'));
  // /proc/locks pads its columns ("FLOCK  ADVISORY  READ 123 ..."): matched by \s+, as a fixed spacing ran to the deadline.
  const held = new RegExp(`^\\d+: FLOCK\\s+ADVISORY\\s+${mode === 'shared' ? 'READ' : 'WRITE'}\\s+${holder.pid} `, 'm');
  for (const deadline = Date.now() + 5000; !held.test(fs.readFileSync('/proc/locks', 'latin1')); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > deadline) throw new Error(`flock --${mode} did not hold ${file} within 5 s`);
  }
  return holder.pid!;
}
