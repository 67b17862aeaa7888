import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, oneLine, tempDir, writeOrigin } from './cli.ts';
import { needsRoot, tinyFs } from './tiny-fs.ts';

/** A COW image on a full file system: a sparse image formatted larger than its file system gets ENOSPC in the middle of a write. */
describe('a COW on a file system that fills up', () => {
  it.skipIf(needsRoot !== null).each(['shared', 'persistent'])('%s: the write fails, the store stays consistent and the snapshot keeps its data', (kind) => {
    const mnt = tinyFs(600)!;
    expect(mnt).not.toBeNull();
    const dir = tempDir();
    const origin = path.join(dir, 'origin.img');
    writeOrigin(origin, 2 << 20, 4096);
    const before = fs.readFileSync(origin);
    const data = path.join(dir, 'data');
    fs.writeFileSync(data, Buffer.alloc(1 << 20, 0xee));
    const cow = path.join(mnt, 'a.cow');
    expect(cli('format', cow, '--kind', kind, '--size', '4M').code).toBe(0);
    // A persistent store holds its one snapshot from the start.
    const snap = kind === 'shared' ? 's1' : 'snap';
    if (kind === 'shared') expect(cli('snapshot', 'create', cow, '--name', snap).code).toBe(0);

    const r = cli('write', cow, '--origin', origin, '-s', 'origin', '--chunk', 0, '--data-file', data);
    expect(r.code).toBe(1);
    const line = oneLine(r);
    expect(line).toMatch(/no space left/);
    expect(line.match(/offset \d+/g)?.length, line).toBe(1);
    // The chunks before the failure are written (each copy committed first), the rest are not.
    const stopped = /the write stopped at chunk (\d+): chunks 0\.\.(\d+) before it are written, chunk \1 and after are not$/.exec(line);
    expect(stopped, line).not.toBeNull();
    const at = Number(stopped![1]);
    const after = fs.readFileSync(origin);
    expect(after.subarray(0, at * 4096).every((b) => b === 0xee)).toBe(true);
    expect(after.subarray(at * 4096).equals(before.subarray(at * 4096))).toBe(true);

    // What is on disk is the last commit that succeeded: no error (a leak at most)...
    const check = cli('check', cow);
    expect(check.code, check.stdout).toBe(0);
    // ...and every origin chunk written has its old contents in the snapshot.
    const view = path.join(dir, 's1.img');
    expect(cli('read', cow, '--origin', origin, '-s', snap, '--out', view).code).toBe(0);
    expect(fs.readFileSync(view).equals(before)).toBe(true);
  });
});

/** A demo store, and a tmpfs filled up: a file can be created there, not written. */
function demoBesideFullFs(): { mnt: string; dir: string; cow: string } {
  const mnt = tinyFs(64)!;
  expect(mnt).not.toBeNull();
  spawnSync('dd', ['if=/dev/zero', `of=${path.join(mnt, 'fill')}`, 'bs=4k'], { stdio: 'ignore' });
  const dir = tempDir();
  expect(cli('demo', dir).code).toBe(0);
  return { mnt, dir, cow: path.join(dir, 'shared.cow') };
}

describe('a backup on a file system that is full', () => {
  it.skipIf(needsRoot !== null)('restore in place: refused before any write, the COW as it was and no backup file left', () => {
    const { mnt, dir, cow } = demoBesideFullFs();
    const dump = path.join(dir, 'd.json');
    expect(cli('dump', cow, '--out', dump).code).toBe(0);
    const before = fs.readFileSync(cow);
    const backup = path.join(mnt, 'b.backup');

    const r = cli('restore', cow, '--dump', dump, '--backup', backup);
    expect(r.code).not.toBe(0);
    expect(oneLine(r)).toMatch(/cannot write backup .*b\.backup: .*no space left/i);
    expect(fs.existsSync(backup)).toBe(false);
    expect(fs.readFileSync(cow).equals(before)).toBe(true);
  });
});

describe('an --out on a file system that is full', () => {
  it.skipIf(needsRoot !== null)('dump, read and repair --out: the error names the path given, not the temporary file, and leaves none', () => {
    const { mnt, dir, cow } = demoBesideFullFs();
    const runs: [string, string[]][] = [
      ['d.json', ['dump', cow]],
      ['o.img', ['read', cow, '--origin', path.join(dir, 'origin.img'), '-s', 'origin']],
      ['r.cow', ['repair', cow]],
    ];
    for (const [name, argv] of runs) {
      const out = path.join(mnt, name);
      const r = cli(...argv, '--out', out);
      expect(r.code, argv[0]).toBe(1);
      expect(oneLine(r)).toMatch(new RegExp(`^snapscope: .*${out.replace(/[.]/g, '\\.')} at offset \\d+: .*no space left`, 'i'));
      expect(fs.readdirSync(mnt)).toEqual(['fill']);
    }
  });
});
