import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { createBackup, readBackup } from '../../src-main/host/access/backup-file.ts';
import { LockedError, openInput } from '../../src-main/host/access/inputs.ts';
import { OverlayDevice, OverlayFull } from '../../src-main/host/access/overlay-device.ts';
import { probeSignatures } from '../../src-main/host/access/signatures.ts';
import { inspectTarget } from '../../src-main/host/access/target.ts';
import { tempDir } from './fixtures.ts';

it('an overlay keeps every write in memory and reads it back; the device never changes', () => {
  const inner = new MemoryDevice(3 * 4096 + 512);
  const base = new Uint8Array(inner.size).map((_, i) => i & 255);
  inner.write(0, base);
  const o = new OverlayDevice(inner);
  o.write(4000, new Uint8Array(200).fill(7)); // across a page boundary
  o.write(inner.size - 10, new Uint8Array(10).fill(9)); // the short last page
  const got = new Uint8Array(inner.size);
  o.read(0, got);
  const expected = base.slice();
  expected.fill(7, 4000, 4200);
  expected.fill(9, inner.size - 10);
  expect(got).toEqual(expected);
  const raw = new Uint8Array(inner.size);
  inner.read(0, raw);
  expect(raw).toEqual(base);
});

it('one path through a symlink or ./ is the same target; a hard link too', () => {
  const dir = tempDir();
  const f = path.join(dir, 'a.img');
  fs.writeFileSync(f, 'x');
  fs.symlinkSync(f, path.join(dir, 'l'));
  fs.linkSync(f, path.join(dir, 'h'));
  const keys = [f, path.join(dir, '.', 'a.img'), path.join(dir, 'l'), path.join(dir, 'h')].map((p) => inspectTarget(p).key);
  expect(new Set(keys).size).toBe(1);
});

it('an exclusive lock excludes another open of the same file in this process, until closed', () => {
  const dir = tempDir();
  const f = path.join(dir, 'a.img');
  fs.writeFileSync(f, Buffer.alloc(4096));
  const a = openInput(f, 'COW', true);
  expect(() => openInput(path.join(dir, '.', 'a.img'), 'COW', true)).toThrow(LockedError);
  const reader = openInput(f, 'COW', false);
  expect(reader.note).toMatch(/is open for writing by .*this process.*; reading its last committed state/);
  reader.dev.close();
  a.dev.close();
  openInput(f, 'COW', true).dev.close();
});

it('a lock held by another process (without a record) is "another process"; it goes when the holder is killed', async () => {
  const dir = tempDir();
  const f = path.join(dir, 'a.img');
  fs.writeFileSync(f, Buffer.alloc(4096));
  // flock(1) runs sleep with the locked descriptor inherited: the lock lives as long as either does.
  const holder = spawn('flock', ['--exclusive', f, 'sleep', '60'], { stdio: 'ignore', detached: true });
  const refusal = async (): Promise<string> => {
    try {
      openInput(f, 'COW', true).dev.close();
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  await expect.poll(refusal, { timeout: 20_000 }).toMatch(/COW .* is open for writing by another process; nothing was written/);
  process.kill(-holder.pid!, 'SIGKILL');
  await expect.poll(refusal, { timeout: 20_000 }).toBe('');
});

it("a reader's full note names a writer that holds the exclusive kernel lock without a record; asked twice, it is looked for once", async () => {
  const dir = tempDir();
  const f = path.join(dir, 'a.img');
  fs.writeFileSync(f, Buffer.alloc(4096));
  const holder = spawn('flock', ['--exclusive', f, 'sleep', '60'], { stdio: 'ignore', detached: true });
  const stop = (): void => {
    try {
      process.kill(-holder.pid!, 'SIGKILL');
    } catch {
      // gone already
    }
  };
  try {
    const fullNote = async (): Promise<string | null> => {
      const r = openInput(f, 'COW', false);
      r.dev.close(); // the look was named at open: closing first changes nothing
      expect(r.note).toBeNull();
      expect(r.fullNote()).toBe(r.fullNote());
      return (await r.fullNote())?.text ?? null;
    };
    await expect.poll(fullNote, { timeout: 20_000 }).toBe(`${f} is open for writing by another process; reading its last committed state`);
    stop();
    await expect.poll(fullNote, { timeout: 20_000 }).toBeNull();
  } finally {
    stop();
  }
});

const PYTHON = ['/usr/bin/python3', '/bin/python3'].find((p) => fs.existsSync(p));
it.skipIf(!PYTHON)('the look reads the whole of /proc/locks: a lock beyond its first page is found (needs python3 for 300 flocks)', async () => {
  const dir = tempDir();
  const f = path.join(dir, 'a.img');
  fs.writeFileSync(f, Buffer.alloc(4096));
  // The table lists the newest locks first: 300 taken after ours push it beyond a page (the kernel gives about one per read).
  const script = [
    'import fcntl, os, sys, time',
    'fds = [os.open(sys.argv[1], os.O_RDWR)]',
    'fcntl.flock(fds[0], fcntl.LOCK_EX)',
    'for i in range(300):',
    '    fds.append(os.open(os.path.join(sys.argv[2], "l%d" % i), os.O_RDWR | os.O_CREAT))',
    '    fcntl.flock(fds[-1], fcntl.LOCK_EX)',
    'print("ready", flush=True)',
    'time.sleep(60)',
  ].join('\n');
  const holder = spawn(PYTHON!, ['-c', script, f, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve) => holder.stdout!.once('data', resolve));
    expect(fs.readFileSync('/proc/locks', 'latin1').length).toBeGreaterThan(3 * 4096);
    const r = openInput(f, 'COW', false);
    r.dev.close();
    expect((await r.fullNote())?.text).toBe(`${f} is open for writing by another process; reading its last committed state`);
  } finally {
    holder.kill('SIGKILL');
  }
});

it('signatures are found at their offsets; a torn last backup record is left out, a used backup refused', () => {
  const dir = tempDir();
  const img = path.join(dir, 'x.img');
  const b = Buffer.alloc(1 << 20);
  b.write('XFSB', 0, 'latin1');
  b.write('LABELONE', 512, 'latin1');
  fs.writeFileSync(img, b);
  const fd = fs.openSync(img, 'r');
  expect(probeSignatures(fd, b.length).map((s) => [s.name, s.offset])).toEqual([
    ['XFS filesystem', 0],
    ['LVM2 physical volume', 512],
  ]);
  fs.closeSync(fd);

  const cow = path.join(dir, 'c.cow');
  fs.writeFileSync(cow, Buffer.alloc(8192, 1));
  const bak = path.join(dir, 'c.bak');
  const backup = createBackup(bak, cow);
  const dev = new MemoryDevice(8192);
  const wrapped = backup.wrap(dev);
  wrapped.write(0, new Uint8Array(512).fill(2));
  wrapped.write(1024, new Uint8Array(512).fill(3));
  backup.close();
  expect(readBackup(bak)).toHaveLength(2);
  fs.appendFileSync(bak, Buffer.alloc(7)); // a record cut short
  const torn = readBackup(bak);
  expect([torn.length, torn.torn]).toEqual([2, true]);
  expect(() => createBackup(bak, cow)).toThrow(/already exists and holds 2 records/);
  expect(() => createBackup(cow, cow)).toThrow(/also an input/);
  const unused = createBackup(path.join(dir, 'unused.bak'), cow);
  unused.close();
  expect(fs.existsSync(path.join(dir, 'unused.bak'))).toBe(false);
});

it('an overlay refuses to grow past its memory budget, leaving the device alone', () => {
  const inner = new MemoryDevice(64 * 4096);
  const o = new OverlayDevice(inner, 8 * 4096);
  o.write(0, new Uint8Array(8 * 4096).fill(1));
  expect(() => o.write(8 * 4096, new Uint8Array(1))).toThrow(OverlayFull);
  const raw = new Uint8Array(inner.size);
  inner.read(0, raw);
  expect(raw.every((b) => b === 0)).toBe(true);
});

it("--backup naming someone's small file is refused and left as it was; an empty file given stays, even when nothing is saved in it", () => {
  const dir = tempDir();
  const cow = path.join(dir, 'c.cow');
  fs.writeFileSync(cow, Buffer.alloc(8192, 1));
  // Shorter than a backup's header, so no record could be counted in it: it was taken for an unused backup.
  const notes = path.join(dir, 'notes.txt');
  fs.writeFileSync(notes, 'keep me\n');
  expect(() => createBackup(notes, cow)).toThrow(/notes\.txt is not a snapscope backup/);
  expect(fs.readFileSync(notes, 'utf8')).toBe('keep me\n');
  // An empty file the user made: used, and given back empty, not unlinked, when no record went in.
  const empty = path.join(dir, 'empty.bak');
  fs.writeFileSync(empty, '');
  createBackup(empty, cow).close();
  expect(fs.existsSync(empty) && fs.statSync(empty).size).toBe(0);
  // Our own unused leftover (a header and no record) is still reused, and removed when unused again.
  const leftover = path.join(dir, 'leftover.bak');
  const killed = createBackup(path.join(dir, 'killed.bak'), cow);
  fs.copyFileSync(path.join(dir, 'killed.bak'), leftover); // as a run killed before its first record leaves it
  killed.close();
  expect(fs.statSync(leftover).size).toBeGreaterThan(0);
  createBackup(leftover, cow).close();
  expect(fs.existsSync(leftover)).toBe(false);
});

it('a runtime directory that cannot be made is none (the reader takes a flock instead), not a hang: XDG_RUNTIME_DIR under /proc', () => {
  const file = path.join(tempDir(), 'store.img');
  fs.writeFileSync(file, Buffer.alloc(4096));
  // node's recursive mkdir loops forever where mkdir says ENOENT under a parent that exists (/proc).
  const script = `const { openInput } = await import(${JSON.stringify(path.resolve(import.meta.dirname, '../../src-main/host/access/inputs.ts'))});
const i = openInput(${JSON.stringify(file)}, 'COW', false);
const ino = ':' + fs.statSync(${JSON.stringify(file)}).ino + ' ';
process.stdout.write(fs.readFileSync('/proc/locks', 'latin1').split('\\n').some((l) => / FLOCK +ADVISORY +READ /.test(l) && l.includes(ino)) ? 'flock' : 'none');
i.dev.close();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import fs from 'node:fs';\n${script}`], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, XDG_RUNTIME_DIR: '/proc/no-runtime-directory' },
  });
  expect(r.error, 'it hung').toBeUndefined();
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('flock');
});
