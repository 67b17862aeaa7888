import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it, onTestFinished } from 'vitest';
import { PersistentStore } from '../../src-core/persistent/index.ts';
import { readViewChunk } from '../../src-core/view.ts';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { SOURCE_HELPER } from '../../src-main/host/helper-path.ts';

/**
 * The privileged helper for real (docs/adr/0004): as root, a loop device over a store image; as
 * the unprivileged `snapscope-test` user (.ci/setup-helper-test.sh), a direct open fails and the
 * helper started through sudo reads the same snapshot view as the file.
 */
const USER = 'snapscope-test';
const why = skipReason();
let loop: string | null = null;
const started = Date.now();
afterAll(() => {
  if (loop) spawnSync('losetup', ['-d', loop]);
  // A client killed (or ended by process.exit) leaves its FIFO directory behind in /tmp (its
  // environment names no other): the test user's, made meanwhile.
  const uid = Number(spawnSync('id', ['-u', USER], { encoding: 'utf8' }).stdout.trim());
  for (const name of fs.readdirSync('/tmp').filter((n) => n.startsWith('snapscope-helper-'))) {
    const p = path.join('/tmp', name);
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory() && st.uid === uid && st.mtimeMs >= started - 1000) fs.rmSync(p, { recursive: true, force: true });
  }
});

function skipReason(): string | null {
  if (process.getuid?.() !== 0) return 'not root: cannot create a loop device (CI runs this as root)';
  if (!fs.existsSync('/dev/loop-control')) return 'no loop devices here';
  if (spawnSync('id', [USER]).status !== 0) return `user ${USER} missing: run .ci/setup-helper-test.sh as root`;
  const sudoers = `/etc/sudoers.d/${USER}`;
  if (!fs.existsSync(sudoers) || spawnSync('sudo', ['-V'], { stdio: 'ignore' }).status !== 0) return 'sudo is not set up: run .ci/setup-helper-test.sh as root';
  // The sudoers entry names one checkout's helper; another checkout's tests cannot use it.
  if (!fs.readFileSync(sudoers, 'utf8').includes(SOURCE_HELPER)) return `${sudoers} allows another checkout's helper: run .ci/setup-helper-test.sh from this one`;
  return null;
}

it.skipIf(why !== null)(`reads a device through the helper as an unprivileged user${why ? ` (skipped: ${why})` : ''}`, () => {
  const dir = fs.mkdtempSync('/tmp/snapscope-helper-test-');
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.chmodSync(dir, 0o755);
  const image = path.join(dir, 'p.cow');
  const origin = path.join(dir, 'origin.img');
  fs.writeFileSync(image, Buffer.alloc(1 << 20));
  fs.writeFileSync(origin, Buffer.alloc(256 << 10));
  fs.chmodSync(origin, 0o644);
  const cowDev = FileDevice.open(image, { write: true });
  const originDev = FileDevice.open(origin, { write: true });
  const store = PersistentStore.format(cowDev, { chunkBytes: 4096 });
  for (let c = 0; c < 8; c++) store.writeOrigin(originDev, c, new Uint8Array(4096).fill(c + 1)); // snapshot keeps zeros
  store.writeSnapshot(originDev, 0, 2, new Uint8Array(4096).fill(0xee));
  store.commit();
  const expected: string[] = [];
  const buf = new Uint8Array(4096);
  for (let c = 0; c < 8; c++) {
    readViewChunk(store, originDev, 0, c, buf);
    expected.push(Buffer.from(buf).toString('base64'));
  }
  store.close();
  cowDev.close();
  originDev.close();
  fs.chmodSync(image, 0o600);

  loop = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  const runner = path.join(path.dirname(SOURCE_HELPER), '..', '..', 'tests', 'main', 'helper-run.ts');
  const tsx = path.join(path.dirname(SOURCE_HELPER), '..', '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const r = spawnSync('runuser', ['-u', USER, '--', process.execPath, tsx, runner, loop, image, origin], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', HOME: '/tmp' } });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout) as { direct: string; file: string; views: string[]; exceptions: number; write: string };
  expect(out.direct).toMatch(/permission denied/);
  expect(out.file).toMatch(/not a block device/); // root's helper never opens a regular file
  expect(out.exceptions).toBe(8);
  expect(out.views).toEqual(expected);
  expect(out.write).toMatch(/read-only/);
});

it.skipIf(why !== null)(`through sudo, a writer's record names its unprivileged client; killed, the helper ends and the record counts no more${why ? ` (skipped: ${why})` : ''}`, async () => {
  const { dir, dev } = loopImage('death', 0);
  // It opens for writing as the app does (the user may not open the device: through the helper),
  // says so and waits; with an argument it reports how its open went and exits.
  const client = clientScript(dir, 'client.mjs', [
    `let i;\ntry { i = openInput(${JSON.stringify(dev)}, 'COW', true, sudo); } catch (e) { process.stdout.write(e.message + '\\n'); process.exit(0); }`,
    `process.stdout.write((i.viaHelper ? 'helper ' : 'direct ') + process.pid + '\\n');\nif (process.argv[2]) process.exit(0);\nsetInterval(() => i.dev.size, 1000);`,
  ]);
  const env = { PATH: process.env['PATH'] ?? '', HOME: '/tmp' };
  const run = (...args: string[]): string => execFileSync('runuser', ['-u', USER, '--', process.execPath, '--import', 'tsx', client, ...args], { cwd: ROOT, encoding: 'utf8', env }).trim();
  const pid = await startClient(client, env);
  expect(helpers(dev)).toHaveLength(1);
  expect(run('once')).toMatch(new RegExp(`^COW ${dev} is open for writing by \\S.* \\(pid ${pid}\\); nothing was written`));
  process.kill(pid, 'SIGKILL');
  await helpersGone(dev);
  expect(run('once')).toMatch(/^helper \d+$/);
}, 60_000);

it.skipIf(why !== null)(`through sudo, a reader of another user keeps root's writers off, with a runtime directory or none: the helper holds a shared flock for it${why ? ` (skipped: ${why})` : ''}`, async () => {
  const { dir, image, dev } = loopImage('reader', 0x5a);
  // It opens for reading as the app does (through the helper: the user may not open the device), says so and waits.
  const client = clientScript(dir, 'reader.mjs', [
    `const i = openInput(${JSON.stringify(dev)}, 'COW', false, sudo);`,
    `process.stdout.write((i.viaHelper ? 'helper ' : 'direct ') + process.pid + '\\n');\nsetInterval(() => i.dev.size, 1000);`,
  ]);
  // Its own runtime directory (/tmp/snapscope-<uid>: root's writers do not look there), or one it cannot make.
  for (const runtime of [{}, { XDG_RUNTIME_DIR: image }]) {
    const pid = await startClient(client, { PATH: process.env['PATH'] ?? '', HOME: '/tmp', ...runtime });
    const before = sha(image);
    expect(() => openInput(dev, 'COW', true)).toThrow(`COW ${dev} is in use by another process; nothing was written (try again when it is closed)`);
    expect(() => openInput(image, 'COW', true)).toThrow(/attached to/); // its backing file, as ever
    expect(sha(image)).toBe(before);
    process.kill(pid, 'SIGKILL');
    await helpersGone(dev);
    // Its helper gone, its flock went with it.
    const w = openInput(dev, 'COW', true);
    expect(w.viaHelper).toBe(false);
    w.dev.close();
  }
}, 60_000);

const ROOT = path.join(path.dirname(SOURCE_HELPER), '..', '..');

/** A 1 MiB image of `fill` bytes, only root's, in a directory of /tmp the test user may enter, and a loop device over it: gone when the test ends. */
function loopImage(name: string, fill: number): { dir: string; image: string; dev: string } {
  const dir = fs.mkdtempSync(`/tmp/snapscope-helper-${name}-`);
  fs.chmodSync(dir, 0o755);
  const image = path.join(dir, `${name}.img`);
  fs.writeFileSync(image, Buffer.alloc(1 << 20, fill));
  fs.chmodSync(image, 0o600);
  const dev = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  onTestFinished(() => {
    spawnSync('losetup', ['-d', dev]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { dir, image, dev };
}

/**
 * A client for the test user, plain ESM through tsx's loader (one process, so killing it kills
 * the client): `openInput` and the sudo launch in scope, then `lines`.
 */
function clientScript(dir: string, name: string, lines: string[]): string {
  const client = path.join(dir, name);
  const prelude = [
    `const { openInput } = await import(${JSON.stringify(path.join(ROOT, 'src-main/host/access/inputs.ts'))});`,
    `const sudo = { method: 'sudo', command: 'sudo', args: ['-n', process.execPath, ${JSON.stringify(SOURCE_HELPER)}] };`,
  ];
  fs.writeFileSync(client, [...prelude, ...lines].join('\n') + '\n');
  fs.chmodSync(client, 0o644);
  return client;
}

/** Starts `client` as the test user; its pid once it says it opened through the helper. The client is killed when the test ends. */
async function startClient(client: string, env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn('runuser', ['-u', USER, '--', process.execPath, '--import', 'tsx', client], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env });
  onTestFinished(() => void child.kill('SIGKILL'));
  const pid = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => resolve(Number(/^helper (\d+)$/.exec(d.toString().trim())?.[1] ?? NaN)));
    child.once('exit', (c) => reject(new Error(`client exited ${c} before opening`)));
  });
  expect(pid).toBeGreaterThan(0);
  // runuser's child lives on when runuser is killed: the client itself is killed at the end, however the test ends.
  onTestFinished(() => void spawnSync('kill', ['-KILL', String(pid)]));
  return pid;
}

/** Waits (10 s at most) until no helper runs for `dev`: each ends when its client does. */
async function helpersGone(dev: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (helpers(dev).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(helpers(dev), 'the root helper outlived its client').toEqual([]);
}

const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Live helper processes (as root, under sudo) started for `device`. */
function helpers(device: string): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((pid) => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      return argv[0] !== 'sudo' && argv.some((a) => a.endsWith('run-helper.mjs')) && argv.includes(device) && state !== 'Z';
    } catch {
      return false;
    }
  }).map(Number);
}
