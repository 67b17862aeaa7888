import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SnapscopeError } from '../../src-core/errors.ts';
import { newToken } from './auth.ts';

const TOKEN_FILE = 'serve-token';
const TOKEN = /^[0-9a-f]{48}$/;

/**
 * The per-user directory for serve's token and launcher pages (as Jupyter's runtime dir):
 * $XDG_RUNTIME_DIR/snapscope (a tmpfs only this user can enter), else ~/.local/share/snapscope/runtime.
 */
export function defaultRuntimeDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_RUNTIME_DIR'];
  if (xdg && path.isAbsolute(xdg) && fs.existsSync(xdg)) return path.join(xdg, 'snapscope');
  return path.join(env['XDG_DATA_HOME'] || path.join(os.homedir(), '.local', 'share'), 'snapscope', 'runtime');
}

/** Creates `dir` (0700) and checks that it is ours alone: a real directory, our uid, no group/other access. */
export function privateDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid?.()) throw new SnapscopeError('io', `${dir} is not a directory of this user; refusing to keep the serve token there`, { device: dir });
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  return dir;
}

/**
 * The token of `snapscope serve`: the one in the runtime file while it exists (so a restarted
 * server accepts the pages of the previous one), else a new one written there with mode 0600.
 * `rotate` always writes a new one. A file that is a link, not ours, readable by others or not
 * a token is replaced, never trusted.
 */
export function serveToken(dir: string, rotate = false): string {
  const file = path.join(privateDir(dir), TOKEN_FILE);
  if (!rotate) {
    const kept = readPrivate(file);
    if (kept !== null && TOKEN.test(kept)) return kept;
  }
  const token = newToken();
  writePrivate(file, `${token}\n`);
  return token;
}

/** Writes `text` to `file` with mode 0600 through a fresh temporary file and a rename (never through a link). */
export function writePrivate(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function readPrivate(file: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0 || st.size > 1024) return null;
    return fs.readFileSync(fd, 'utf8').trim();
  } finally {
    fs.closeSync(fd);
  }
}
