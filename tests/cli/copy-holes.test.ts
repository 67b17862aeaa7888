import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, writeOrigin } from './cli.ts';
import { cached, directIo } from './page-cache.ts';
import { sharedVolume } from './safety-fixtures.ts';

// `read` of a whole image and `restore --data-from` copy a device from start to end. A buffered
// read of a sparse image's holes fills the page cache with zero pages (as `repair --out` did, see
// repair-copy.test.ts); they read through the CopyReader (O_DIRECT where the file system allows).

const MiB = 1 << 20;
const CHUNK = 4096;

/** Writes `bytes` of `fill` at `at` in `file` (its data far out in a sparse image). */
function put(file: string, at: number, bytes: number, fill: number): void {
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(bytes, fill), 0, bytes, at);
  fs.closeSync(fd);
}

describe("whole-device copies leave a sparse image's holes out of the page cache", () => {
  it('read -s SNAP --out of a sparse 256 MiB origin: the image byte for byte, the holes not cached', (ctx) => {
    const dir = tempDir();
    if (!directIo(dir) || cached(dir) === null) ctx.skip();
    const { origin, cow } = sharedVolume(dir);
    fs.truncateSync(origin, 256 * MiB);
    put(origin, 200 * MiB, MiB, 0x6d); // data far out, between holes
    const before = cached(origin)!;
    const out = path.join(dir, 'one.img');
    const r = cli('read', cow, '--origin', origin, '-s', 'one', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    // The origin's own data is read through the cache; its holes are not.
    expect(cached(origin)! - before).toBeLessThan(64 * MiB);
    // Snapshot 'one': the origin as it is, but for the chunks written since (sharedVolume: 1 and 3
    // were the origin's, 2 written through the snapshot).
    const expected = fs.readFileSync(origin);
    const first = path.join(dir, 'first.img');
    writeOrigin(first, 4 * CHUNK, CHUNK);
    fs.readFileSync(first).copy(expected, CHUNK, CHUNK, 2 * CHUNK);
    fs.readFileSync(first).copy(expected, 3 * CHUNK, 3 * CHUNK, 4 * CHUNK);
    expected.fill(0xb2, 2 * CHUNK, 3 * CHUNK);
    expect(fs.readFileSync(out).equals(expected)).toBe(true);
    expect(fs.statSync(out).blocks * 512, 'the holes stay holes').toBeLessThan(8 * MiB);
  }, 60_000);

  it('restore --data-from a sparse 256 MiB COW: its data chunks copied, the holes not cached', (ctx) => {
    const dir = tempDir();
    if (!directIo(dir) || cached(dir) === null) ctx.skip();
    const cow = path.join(dir, 'big.cow');
    expect(cli('format', cow, '--kind', 'shared', '--size', '256M').code).toBe(0);
    put(cow, 200 * MiB, MiB, 0x6d); // garbage in free chunks far out: copied as any data
    const dump = path.join(dir, 'dump.json');
    expect(cli('dump', cow, '--out', dump).code).toBe(0);
    const before = cached(cow)!;
    const out = path.join(dir, 'new.cow');
    const r = cli('restore', out, '--dump', dump, '--data-from', cow, '--json');
    expect(r.code, r.stderr).toBe(0);
    const written = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { written: number }).written; // after the progress lines
    expect(cached(cow)! - before).toBeLessThan(64 * MiB);
    // The copy is the COW's bytes; restore then writes its metadata chunks over some of them.
    const [src, dst] = [fs.readFileSync(cow), fs.readFileSync(out)];
    expect(dst.length).toBe(src.length);
    let differ = 0;
    for (let at = 0; at < src.length; at += CHUNK) if (!src.subarray(at, at + CHUNK).equals(dst.subarray(at, at + CHUNK))) differ++;
    expect(differ).toBeGreaterThan(0);
    expect(differ).toBeLessThanOrEqual(written);
    expect(dst.subarray(200 * MiB, 201 * MiB).equals(Buffer.alloc(MiB, 0x6d))).toBe(true);
    // The copy skips all-zero pieces of 8 MiB: the metadata's and the far data's are written.
    expect(fs.statSync(out).blocks * 512, 'the holes stay holes').toBeLessThanOrEqual(16 * MiB);
  }, 60_000);
});
