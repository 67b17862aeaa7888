import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './cli.ts';
import { cached, directIo } from './page-cache.ts';

/** repair --out copies the COW, then repairs the copy: the same bytes as a repair in place of a copy. */
describe('repair --out: the copy', () => {
  it('is byte for byte what repair --in-place makes of the same bytes, holes kept', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const cow = path.join(dir, 'shared.cow');
    // Grown sparse, garbage in a free chunk far out, and a leaf's magic broken: repair has work to do.
    fs.truncateSync(cow, 64 << 20);
    const fd = fs.openSync(cow, 'r+');
    fs.writeSync(fd, Buffer.alloc(512, 0x5a), 0, 512, 40 << 20);
    fs.closeSync(fd);
    const leaf = Number(/"kind":"leaf","chunk":(\d+)/.exec(cli('tree', cow, '--json').stdout)![1]);
    const bad = fs.openSync(cow, 'r+');
    fs.writeSync(bad, Buffer.from([0xef, 0xbe]), 0, 2, leaf * 512);
    fs.closeSync(bad);
    const [out, inPlace] = [path.join(dir, 'out.cow'), path.join(dir, 'in-place.cow')];
    fs.copyFileSync(cow, inPlace);
    const r = cli('repair', cow, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(cli('repair', inPlace, '--in-place', '--backup', path.join(dir, 'backup')).code).toBe(0);
    expect(fs.readFileSync(out).equals(fs.readFileSync(inPlace))).toBe(true);
    expect(fs.statSync(out).blocks * 512, 'the holes stay holes').toBeLessThan(8 << 20);
  });

  it("reads a sparse image's holes without filling the page cache with them", (ctx) => {
    const dir = tempDir();
    const cow = path.join(dir, 'big.cow');
    if (!directIo(dir) || cached(dir) === null) ctx.skip();
    expect(cli('format', cow, '--kind', 'shared', '--size', '1G').code).toBe(0);
    const before = cached(cow)!;
    expect(cli('repair', cow, '--out', path.join(dir, 'out.cow')).code).toBe(0);
    // The store's own metadata is read through the cache; the gigabyte of holes is not.
    expect(cached(cow)! - before).toBeLessThan(64 << 20);
  });
});
