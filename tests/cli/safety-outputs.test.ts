import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeBigStore } from '../../e2e/big-store.ts';
import { ROOT_DIR, cli, oneLine, tempDir } from './cli.ts';
import { blank, canLoop, digest, guard, loop, ok, sharedVolume } from './safety-fixtures.ts';

const BIN = path.join(ROOT_DIR, 'bin/snapscope.mjs');

/** Runs `snapscope args | shell-consumer` in bash; returns the pipeline's stdout and snapscope's exit status and stderr. */
function pipe(args: string[], consumer: string): { out: string; code: number; stderr: string } {
  const cmd = `"${process.execPath}" "${BIN}" ${args.map((a) => `'${a}'`).join(' ')} 2>"$ERR" | ${consumer}; echo "status:\${PIPESTATUS[0]}"`;
  const errFile = path.join(tempDir(), 'stderr');
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', env: { ...process.env, ERR: errFile }, maxBuffer: 1 << 30 });
  const m = /status:(\d+)\n$/.exec(r.stdout)!;
  return { out: r.stdout.slice(0, m.index), code: Number(m[1]), stderr: fs.readFileSync(errFile, 'utf8') };
}

describe('outputs never destroy inputs', () => {
  it('--out that is an input (same path, symlink, hard link) is refused and changes nothing', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    fs.symlinkSync(cow, path.join(dir, 'link.cow'));
    fs.linkSync(origin, path.join(dir, 'hard.img'));
    const inputs = guard(origin, cow);
    for (const argv of [
      ['read', cow, '--origin', origin, '-s', 'one', '--out', cow],
      ['read', cow, '--origin', origin, '-s', 'one', '--out', path.join(dir, 'link.cow')],
      ['read', cow, '--origin', origin, '-s', 'one', '--out', path.join(dir, 'hard.img')],
      ['dump', cow, '--out', cow],
      ['dump', cow, '--out', path.join(dir, 'link.cow')],
      ['repair', cow, '--out', cow],
      ['repair', cow, '--out', path.join(dir, 'link.cow')],
    ]) {
      const r = cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(oneLine(r)).toMatch(/refusing to write .*: it is also an input/);
    }
    expect(oneLine(cli('repair', cow, '--out', cow))).toContain('use --in-place');
    inputs.unchanged();
  });

  it('a failed command leaves an existing --out file as it was, and no temporary file', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    const out = path.join(dir, 'out.json');
    fs.writeFileSync(out, 'old contents\n');
    const bad = blank(path.join(dir, 'zeros.cow'), 1 << 20);
    expect(cli('dump', bad, '--out', out).code).toBe(3); // not a store
    expect(fs.readFileSync(out, 'utf8')).toBe('old contents\n');
    expect(cli('read', cow, '--origin', origin, '-s', 'nosuch', '--out', out).code).not.toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe('old contents\n');
    expect(fs.readdirSync(dir).filter((n) => n.includes('snapscope-'))).toEqual([]);
    // Success replaces it (a text output over a text file needs no --force).
    ok(cli('dump', cow, '--out', out));
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).format ?? 'x').toBeDefined();
  });

  it('dump --out refuses a binary file without --force (a text file it replaces)', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    // A disk image with no signature snapscope knows: data, not text.
    const image = path.join(dir, 'disk.img');
    fs.writeFileSync(image, Buffer.from(Array.from({ length: 1 << 16 }, (_, i) => (i * 131) & 255)));
    const g = guard(image);
    const r = cli('dump', cow, '--out', image);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/refusing to overwrite .*disk\.img: it holds binary data \(not text\); add --force/);
    g.unchanged();
    ok(cli('dump', cow, '--out', image, '--force'));
    expect(JSON.parse(fs.readFileSync(image, 'utf8')).snapscopeDump).toBe(2);
  });

  it("--out - streams to stdout; a file named '-' is never created", () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    ok(cli('read', cow, '--origin', origin, '-s', 'one', '--out', path.join(dir, 'one.img')));
    const r = spawnSync(process.execPath, [BIN, 'read', cow, '--origin', origin, '-s', 'one', '--out', '-'], { cwd: dir, maxBuffer: 1 << 24 });
    expect(r.status).toBe(0);
    expect(Buffer.compare(r.stdout, fs.readFileSync(path.join(dir, 'one.img')))).toBe(0);
    const d = spawnSync(process.execPath, [BIN, 'dump', cow, '--out', '-'], { cwd: dir, encoding: 'utf8' });
    expect(d.stdout).toBe(cli('dump', cow).stdout);
    expect(fs.existsSync(path.join(dir, '-'))).toBe(false);
  });

  it('dump of a million exceptions into a reader that sleeps between reads gives the same bytes as dump --out', () => {
    const dir = tempDir();
    const big = makeBigStore(dir);
    expect(big.exceptions).toBeGreaterThanOrEqual(1_000_000);
    const file = path.join(dir, 'dump.json');
    ok(cli('dump', big.cow, '--out', file));
    // The reader pauses 2 ms after every 256 KiB: the pipe fills again and again.
    const sleepy = `"${process.execPath}" -e 'let n=0;process.stdin.on("data",(b)=>{n+=b.length;process.stdout.write(b);if(n>=1<<18){n=0;process.stdin.pause();setTimeout(()=>process.stdin.resume(),2)}})'`;
    const slow = pipe(['dump', big.cow], `${sleepy} | sha256sum`);
    expect(slow.stderr).toBe('');
    expect(slow.code).toBe(0);
    expect(slow.out.split(' ')[0]).toBe(digest(file));
  }, 120_000);

  it('tree | head -1 and dump | head -c 10 end quietly', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir, 1500); // a tree and a dump far larger than a pipe's 64 KiB
    for (const [args, consumer] of [
      [['tree', cow], 'head -1'],
      [['dump', cow], 'head -c 10'],
      [['read', cow, '--origin', origin, '-s', 'one', '--out', '-'], 'head -c 10'],
    ] as const) {
      const r = pipe([...args], `${consumer} >/dev/null`);
      expect(r.stderr, args.join(' ')).toBe('');
      expect([0, 141]).toContain(r.code);
    }
  });
});

describe.skipIf(!canLoop)('block devices as outputs and inputs (loop devices)', () => {
  it('repair --out /dev/loopN writes the repaired store in full and keeps the device node', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const dev = loop(blank(path.join(dir, 'target.img'), 2 << 20));
    const inputs = guard(cow);
    const r = cli('repair', cow, '--out', dev);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    inputs.unchanged();
    expect(fs.statSync(dev).isBlockDevice()).toBe(true);
    expect(cli('dump', dev).stdout).toBe(cli('dump', cow).stdout); // a clean store repairs to itself
    expect(cli('check', dev, '--strict').code).toBe(0);
  });

  it('repair --out /dev/loopN refuses a device holding data without --force, and one too small', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const full = path.join(dir, 'full.img');
    fs.writeFileSync(full, Buffer.alloc(2 << 20, 0x5a));
    const dev = loop(full);
    const small = loop(blank(path.join(dir, 'small.img'), 1 << 20));
    const all = guard(cow, dev, small);
    expect(oneLine(cli('repair', cow, '--out', dev))).toMatch(/refusing to overwrite .*holds data.*--force/);
    expect(oneLine(cli('repair', cow, '--out', small))).toMatch(/holds 1048576 bytes; the output needs 2097152/);
    all.unchanged();
    ok(cli('repair', cow, '--out', dev, '--force'));
    expect(cli('check', dev, '--strict').code).toBe(0);
  });

  it('repair /dev/loopN --out copy.cow copies the whole device', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const dev = loop(cow);
    const inputs = guard(dev, cow);
    const copy = path.join(dir, 'copy.cow');
    const r = cli('repair', dev, '--out', copy);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    inputs.unchanged();
    expect(fs.statSync(copy).size).toBe(2 << 20);
    expect(cli('dump', copy).stdout).toBe(cli('dump', cow).stdout);
    // Data chunks came along: snapshot 'one' reads the same from the copy.
    const [a, b] = [path.join(dir, 'a'), path.join(dir, 'b')];
    ok(cli('read', cow, '--origin', path.join(dir, 'origin.img'), '-s', 'one', '--out', a));
    ok(cli('read', copy, '--origin', path.join(dir, 'origin.img'), '-s', 'one', '--out', b));
    expect(digest(a)).toBe(digest(b));
  });

  it('repair /dev/loopN --out /dev/loopN and via another node of the same device are refused', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const dev = loop(cow);
    const alias = path.join(dir, 'alias');
    fs.symlinkSync(dev, alias);
    const inputs = guard(dev);
    for (const out of [dev, alias]) expect(oneLine(cli('repair', dev, '--out', out))).toContain('it is also an input');
    inputs.unchanged();
  });

  it('dump --out /dev/loopN refuses a device that holds data without --force', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const full = path.join(dir, 'full.img');
    fs.writeFileSync(full, Buffer.alloc(1 << 20, 0x5a));
    const dev = loop(full);
    const g = guard(dev);
    const r = cli('dump', cow, '--out', dev);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/refusing to overwrite \/dev\/loop\d+: it holds data \(not all zeros\); add --force/);
    g.unchanged();
  });

  it('read --out /dev/loopN overwrites every chunk (zeros too) and never truncates', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    const target = path.join(dir, 'target.img');
    fs.writeFileSync(target, Buffer.alloc(1 << 20, 0));
    const dev = loop(target);
    // Old data everywhere, where the view has zero chunks too.
    fs.writeFileSync(dev, Buffer.alloc(1 << 20, 0xee));
    const zeroOrigin = path.join(dir, 'zero-origin.img');
    fs.writeFileSync(zeroOrigin, Buffer.alloc(1 << 20));
    const zcow = path.join(dir, 'z.cow');
    ok(cli('format', zcow, '--kind', 'shared', '--size', '2M'));
    ok(cli('snapshot', 'create', zcow, '--name', 'z'));
    const inputs = guard(zeroOrigin, zcow, origin, cow);
    const r = cli('read', zcow, '--origin', zeroOrigin, '-s', 'z', '--out', dev, '--force');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(digest(dev)).toBe(digest(zeroOrigin));
    inputs.unchanged();
  });

  it('repair --in-place on a device needs --backup, and backup-restore undoes it', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const dev = loop(cow);
    const fd = fs.openSync(dev, 'r+');
    fs.writeSync(fd, Buffer.alloc(1), 0, 1, 4096); // the bitmap's first byte: check finds it, repair rebuilds it
    fs.closeSync(fd);
    const damaged = digest(dev);
    expect(oneLine(cli('repair', dev, '--in-place'))).toContain('give --backup FILE');
    expect(digest(dev)).toBe(damaged);
    const backup = path.join(dir, 'dev.bak');
    ok(cli('repair', dev, '--in-place', '--backup', backup));
    expect(cli('check', dev, '--strict').code).toBe(0);
    ok(cli('backup-restore', dev, '--backup', backup));
    expect(digest(dev)).toBe(damaged);
    expect(fs.statSync(dev).isBlockDevice()).toBe(true);
  });

  it('a read-only loop device is refused up front for every write', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    const ro = loop(cow, { readOnly: true });
    const inputs = guard(ro, origin);
    for (const argv of [
      ['snapshot', 'create', ro, '--name', 'x'],
      ['write', ro, '--origin', origin, '-s', 'one', '--chunk', '4', '--fill', '1'],
      ['repair', ro, '--in-place'],
      ['format', ro, '--kind', 'shared', '--force'],
    ]) {
      const r = cli(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(oneLine(r)).toContain(`COW ${ro} is a read-only device`);
    }
    inputs.unchanged();
    expect(cli('info', ro).code).toBe(0);
  });
});

it('a command given a pipe or a directory as its store says so in one line', () => {
  expect(oneLine(cli('info', tempDir()))).toContain('is a directory');
  const r = spawnSync('bash', ['-c', `echo x | "${process.execPath}" "${BIN}" info /dev/stdin`], { encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/pipe or character device/);
});
