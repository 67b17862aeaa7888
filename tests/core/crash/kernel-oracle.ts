/**
 * The opt-in kernel oracle of the crash and persistent tests: boots the real kernel under qemu
 * (the kernel-oracle tool, outside the repository) on images snapscope wrote. It runs only with
 * SNAPSCOPE_ORACLE=1 and the tool built; otherwise the tests skip, saying why (CI has no oracle).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

/** Where the tool is: KORACLE_DIR, else the shared tools folder of this machine. */
const ORACLE = path.join(process.env.KORACLE_DIR ?? '/work/shared/tools/kernel-oracle', 'accept.py');
/** Where its build.sh put the kernel: KORACLE_WORK, else `work/` beside the tool, as the tool's README says. */
const WORK = process.env.KORACLE_WORK ?? path.join(path.dirname(ORACLE), 'work');
const built = fs.existsSync(path.join(WORK, 'vmlinuz')) && fs.existsSync(ORACLE);

/** Why the oracle tests skip here, or null when they run. */
export const oracleSkipped: string | null = !built
  ? `kernel-oracle not built (no ${ORACLE} or ${WORK}/vmlinuz): run its build.sh, set KORACLE_DIR/KORACLE_WORK`
  : process.env.SNAPSCOPE_ORACLE !== '1'
    ? 'set SNAPSCOPE_ORACLE=1 to boot the real kernel'
    : null;

export const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** What accept.py reports (result.json): the fields the tests read. */
export interface OracleResult {
  activated?: boolean;
  state?: string;
  status_line?: string;
  snapshot_view_sha256?: string;
  origin_after_sha256?: string;
  cow_after_sha256?: string;
  merge?: { result: string; polled_status_lines: string[] };
  [field: string]: unknown;
}

/** Copies origin and COW into `dir` and runs the oracle's `mode` on them (`chunkSectors` the table's chunk size). */
export async function kernelRun(mode: 'view' | 'merge', dir: string, origin: Uint8Array, cow: Uint8Array, chunkSectors: number): Promise<OracleResult> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'origin.img'), origin);
  fs.writeFileSync(path.join(dir, 'cow.img'), cow);
  const out = path.join(dir, 'out');
  await promisify(execFile)(
    'python3',
    [ORACLE, mode, '--origin', path.join(dir, 'origin.img'), '--cow', path.join(dir, 'cow.img'), '--chunk', String(chunkSectors), '--out-dir', out],
    { env: { ...process.env, ACCEL: process.env.ACCEL ?? 'tcg', KORACLE_WORK: WORK }, timeout: 600_000 },
  );
  return JSON.parse(fs.readFileSync(path.join(out, 'result.json'), 'utf8')) as OracleResult;
}
