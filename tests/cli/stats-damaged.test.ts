import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fixture } from '../core/persistent/kernel-fixtures.ts';
import { cli, cliJson, oneLine, tempDir } from './cli.ts';

/** stats says it "counts only what check vouches for": on damaged stores it must agree with info. */
describe('stats on a damaged store', () => {
  it('a cut persistent COW: the rejected table entries are not counted, as info counts them', () => {
    const dir = tempDir();
    const cow = path.join(dir, 'cow.img');
    fs.writeFileSync(cow, new Fixture('p-multiarea-c8').image('cow').subarray(0, 40_000));
    const info = cliJson('info', cow);
    const stats = cliJson('stats', cow);
    expect(stats.code).toBe(0);
    expect(info.value.exceptions).toBe(7);
    expect(stats.value.exceptions).toBe(info.value.exceptions);
    expect(stats.value.snapshots[0].exceptions).toBe(info.value.snapshots[0].exceptions);
    expect(stats.value.snapshots[0].bytes).toBe(info.value.snapshots[0].bytes);
    // dmsetup status's total is the device's sectors, not whole chunks' (40,000 bytes: 78 sectors).
    expect(stats.value.persistent.kernel).toEqual(info.value.kernelStatus);
    // info's usage counts the same data chunks (it said "256 data" of a 9-chunk device).
    expect(info.value.usage.dataChunks).toBe(7);
  });

  it.each(['shared', 'persistent'])('%s: a header whose chunk size is not one: refused as info refuses, no table of zeros', (kind) => {
    const dir = tempDir();
    const cow = path.join(dir, 'cow');
    expect(cli('format', cow, '--kind', kind, '--size', '1M').code).toBe(0);
    const fd = fs.openSync(cow, 'r+');
    fs.writeSync(fd, Buffer.from([7]), 0, 1, 12); // chunk_size: 7 sectors, in both formats' headers
    fs.closeSync(fd);
    const info = cli('info', cow);
    const r = cli('stats', cow);
    expect(r.code, r.stdout).toBe(info.code);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(oneLine(r)).toMatch(/chunk.size 7 sectors|header/);
    const j = cliJson('stats', cow);
    expect(j.value.error.code).toBe('corrupt');
  });

  it('a cut shared COW: no "-1 levels", and counts in words that agree with their number', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const cow = path.join(dir, 'shared.cow');
    fs.truncateSync(cow, 100_000);
    const r = cli('stats', cow);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/-1 level/);
    expect(r.stdout).toMatch(/tree: unreadable/);
    expect(r.stdout).not.toMatch(/\b1 errors\b|\b1 warnings\b/);
  });
});

describe('info on a damaged store', () => {
  it("shows the header's fields as they are on disk, not as the tolerant open clamped them", () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const cow = path.join(dir, 'shared.cow');
    const before = cliJson('info', cow).value.header;
    fs.truncateSync(cow, 100_000);
    const after = cliJson('info', cow);
    expect(after.code).toBe(0);
    expect(after.value.header).toEqual(before);
    expect(cli('info', cow).stdout).toMatch(/chunk_count {2,}4096\n/);
  });
});
