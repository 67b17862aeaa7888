/**
 * vitest globalSetup: each run makes its files under a temporary root of its own, removed when the
 * run ends, so a test that forgets its directory (or is killed) cannot fill the next run's disk.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-run-'));
  fs.chmodSync(root, 0o1777); // like /tmp: tests that drop privileges make their files here too
  process.env.TMPDIR = root; // os.tmpdir() of the test processes, spawned after this
  return () => fs.rmSync(root, { recursive: true, force: true });
}
