import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, oneLine, tempDir } from './cli.ts';
import { needsRoot, tinyFs } from './tiny-fs.ts';

/** format refuses a store that can hold nothing, warns of one its file system cannot hold, and names its target as the other writers do. */
describe('format: the size of the store', () => {
  it('a persistent store with no room for a data chunk (header + one metadata area only) is refused, naming the size needed', () => {
    const dir = tempDir();
    for (const [size, chunk] of [['8k', '4k'], ['1k', '512']] as const) {
      const cow = path.join(dir, `p-${size}`);
      const r = cli('format', cow, '--kind', 'persistent', '--size', size, '--chunk-size', chunk);
      expect(r.code, r.stderr).toBe(2);
      const chunkBytes = chunk === '4k' ? 4096 : 512;
      expect(oneLine(r)).toContain(`needs ${3 * chunkBytes} bytes: the header, one metadata area and one data chunk`);
      expect(fs.existsSync(cow), 'the file it would have created').toBe(false);
    }
    // Three chunks: one of them data.
    const cow = path.join(dir, 'p-12k');
    expect(cli('format', cow, '--kind', 'persistent', '--size', '12k', '--chunk-size', '4k').code).toBe(0);
    expect(cliJson('info', cow).value.usage).toMatchObject({ totalChunks: 3, freeChunks: 1 });
  });

  it.skipIf(needsRoot !== null)('a sparse image larger than the free space of its file system: formatted, with a warning that names both sizes', () => {
    const mnt = tinyFs(1024)!;
    expect(mnt).not.toBeNull();
    const free = fs.statfsSync(mnt).bavail * fs.statfsSync(mnt).bsize;
    const big = path.join(mnt, 'big.cow');
    const r = cli('format', big, '--kind', 'shared', '--size', '64M');
    expect(r.code).toBe(0);
    expect(oneLine(r)).toMatch(/^snapscope: warning: .*big\.cow .*64 MiB.* 1 MiB free/);
    const j = cliJson('format', path.join(mnt, 'big2.cow'), '--kind', 'persistent', '--size', '64M');
    expect(j.code).toBe(0);
    expect(j.value.warnings).toEqual([expect.stringMatching(/larger than the .* free/)]);
    // The dry run says so too.
    expect(cli('format', path.join(mnt, 'big3.cow'), '--kind', 'shared', '--size', '64M', '--dry-run').stderr).toMatch(/warning: .*free/);
    // What fits: no warning.
    const small = cli('format', path.join(mnt, 'small.cow'), '--kind', 'shared', '--size', Math.floor(free / 4), '--chunk-size', '4k');
    expect(small).toMatchObject({ code: 0, stderr: '' });
  });

  it('a read-only file is refused as the COW, as the other writers name it', () => {
    const dir = tempDir();
    const cow = path.join(dir, 'ro.cow');
    expect(cli('format', cow, '--kind', 'shared', '--size', '1M').code).toBe(0);
    fs.chmodSync(cow, 0o444);
    const r = cli('format', cow, '--kind', 'persistent', '--force');
    expect(r.code).toBe(1);
    expect(oneLine(r)).toBe(`snapscope: COW ${cow} is a read-only file (mode 444); refusing to write to it`);
    expect(oneLine(cli('snapshot', 'create', cow, '--name', 'x'))).toBe(`snapscope: COW ${cow} is a read-only file (mode 444); refusing to write to it`);
  });
});
