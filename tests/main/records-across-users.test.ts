import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { assertWouldWrite, openInput } from '../../src-main/host/access/inputs.ts';
import { inspectTarget } from '../../src-main/host/access/target.ts';
import { ROOT_DIR } from '../cli/cli.ts';
import { untouched } from '../cli/foreign-lock.ts';

// Records across users, stage 1 (docs/safety.md): root's writers and dry runs see another user's
// reader by its record in that user's runtime directory, which before they never read (a direct
// reader with a record takes no flock: root wrote under it). A record there counts only when that
// user could not have made it up to block root: the file is the user's, its process alive (same
// start time), running as that user, with the storage itself open.
//
// Runs as root, the reader as the unprivileged `snapscope-test` user (.ci/setup-helper-test.sh makes it; no sudo needed).
const USER = 'snapscope-test';
const uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim());
const why = process.getuid?.() !== 0 ? 'not root' : !Number.isInteger(uid) || uid <= 0 ? `no user ${USER}: run .ci/setup-helper-test.sh as root` : null;

const made: string[] = [];
afterAll(() => made.forEach((p) => fs.rmSync(p, { recursive: true, force: true })));

/** A 1 MiB image in a directory the test user may enter, owned by `owner` (mode 0600). */
function image(owner: number): string {
  const dir = fs.mkdtempSync('/tmp/snapscope-across-');
  made.push(dir);
  fs.chmodSync(dir, 0o755);
  const f = path.join(dir, 'disk.img');
  fs.writeFileSync(f, Buffer.alloc(1 << 20, 0x5a), { mode: 0o600 });
  fs.chownSync(f, owner, owner);
  return f;
}

/** The test user's process holding `file` open for reading as the CLI's readers do (its record in /tmp/snapscope-<uid>); its pid. */
async function userReader(file: string): Promise<number> {
  const client = path.join(path.dirname(file), 'reader.mjs');
  fs.writeFileSync(client, [
    `const { openInput } = await import(${JSON.stringify(path.join(ROOT_DIR, 'src-main/host/access/inputs.ts'))});`,
    `const i = openInput(${JSON.stringify(file)}, 'COW', false);`,
    `process.stdout.write(process.pid + '\\n');\nsetInterval(() => i.dev.size, 1000);`,
  ].join('\n'));
  fs.chmodSync(client, 0o644);
  const child = spawn('runuser', ['-u', USER, '--', process.execPath, '--import', 'tsx', client], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env['PATH'] ?? '', HOME: '/tmp' } });
  onTestFinished(() => void child.kill('SIGKILL'));
  const pid = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (c) => reject(new Error(`reader exited ${c} before opening`)));
  });
  onTestFinished(() => void spawnSync('kill', ['-KILL', String(pid)]));
  return pid;
}

/** A record written into the test user's runtime directory as that user could write it (made up: no open behind it). */
function madeUpRecord(file: string, pid: number): void {
  const key = inspectTarget(file).key!;
  const started = fs.readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ')[19];
  const dir = `/tmp/snapscope-${uid}`;
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.chownSync(dir, uid, uid);
  }
  // holders.ts names records "<key>.<pid>.<n>.json", the key's odd characters as '_'.
  const record = path.join(dir, `${key.replace(/[^A-Za-z0-9:-]/g, '_')}.${pid}.99.json`);
  fs.writeFileSync(record, JSON.stringify({ pid, started, command: 'snapscope made-up', mode: 'read', via: key, range: [0, null] }));
  fs.chownSync(record, uid, uid);
  onTestFinished(() => fs.rmSync(record, { force: true }));
}

const mayWrite = (file: string): void => openInput(file, 'COW', true).dev.close();

describe.skipIf(why !== null)(`root's writers see other users' records${why ? ` (skipped: ${why})` : ''}`, () => {
  it("another user's reader of an image it owns keeps root's writer and dry run off, named; gone, root writes", async () => {
    const f = image(uid);
    const files = untouched(f);
    const pid = await userReader(f);
    const refusal = new RegExp(`^COW ${f} is open for reading by snapscope \\(pid ${pid}\\); nothing was written`);
    expect(() => openInput(f, 'COW', true)).toThrow(refusal);
    expect(() => assertWouldWrite(f, 'COW')).toThrow(refusal);
    files.unchanged();
    spawnSync('kill', ['-KILL', String(pid)]);
    const deadline = Date.now() + 10_000;
    while (fs.existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    mayWrite(f); // its record stays (not root's to remove) but counts no more
  }, 60_000);

  it('a made-up record counts not: for storage its process does not hold, or naming a process of another user', async () => {
    // Root's image, which the user may not open: a record naming the user's own live process.
    const rootsImage = image(0);
    const pid = await userReader(image(uid));
    madeUpRecord(rootsImage, pid);
    mayWrite(rootsImage);
    // The user's record naming root's process (this one), which does hold the image open.
    const held = fs.openSync(rootsImage, 'r');
    try {
      madeUpRecord(rootsImage, process.pid);
      mayWrite(rootsImage);
      assertWouldWrite(rootsImage, 'COW');
    } finally {
      fs.closeSync(held);
    }
  }, 60_000);
});
