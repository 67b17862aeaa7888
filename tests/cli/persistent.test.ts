import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Fixture, type CaseName } from '../core/persistent/kernel-fixtures.ts';
import { cli, cliJson, oneLine, sha256, tempDir, writeOrigin } from './cli.ts';

/** Decompresses a fixture image into `dir` (fixtures are never modified). */
function fixture(name: CaseName, file: string, dir: string): string {
  const image = file.replace('.img.gz', '');
  const out = path.join(dir, `${name}-${image}.img`);
  fs.writeFileSync(out, new Fixture(name).image(image));
  return out;
}

/** The last `dmsetup status snap` figures the kernel printed in the snapshot phase: "376/2048 16". */
function kernelStatus(name: CaseName): string {
  const snap = new Fixture(name).status.filter((r) => r.phase === 'snap' && r.what === 'dmsetup status snap');
  return snap.at(-1)!.value.split(' ').slice(3).join(' ');
}

describe('snapscope CLI on persistent stores', () => {
  it('reads every kernel fixture as the kernel showed it, with its usage figures', () => {
    const dir = tempDir();
    for (const name of ['p-basic-c8', 'p-multiarea-c8', 'p-fullarea-c8'] as const) {
      const [origin, cow] = [fixture(name, 'origin.img.gz', dir), fixture(name, 'cow.img.gz', dir)];
      const hashes = [sha256(origin), sha256(cow)];
      const out = path.join(dir, `${name}-view`);
      expect(cli('read', cow, '--origin', origin, '-s', 'snap', '--out', out).code).toBe(0);
      expect(sha256(out), name).toBe(sha256(fixture(name, 'snapshot-view.img.gz', dir)));
      const info = cliJson('info', cow).value;
      const k = info.kernelStatus;
      expect(`${k.allocatedSectors}/${k.totalSectors} ${k.metadataSectors}`, name).toBe(kernelStatus(name));
      expect(Number.isInteger(info.exceptions)).toBe(true);
      expect([sha256(origin), sha256(cow)]).toEqual(hashes); // reads never write
    }
  });

  it("merge produces the origin and the empty COW the kernel's snapshot-merge produced", () => {
    const dir = tempDir();
    const name = 'p-merge-full';
    const [origin, cow] = [fixture(name, 'origin.img.gz', dir), fixture(name, 'cow.img.gz', dir)];
    expect(cli('merge', cow, '--origin', origin).code).toBe(0);
    expect(sha256(origin)).toBe(sha256(fixture(name, 'origin-after.img.gz', dir)));
    expect(sha256(cow)).toBe(sha256(fixture(name, 'cow-after.img.gz', dir)));
    const k = cliJson('info', cow).value.kernelStatus;
    expect(`${k.allocatedSectors}/${k.totalSectors} ${k.metadataSectors}`).toBe('16/2048 16');
  });

  it('an invalidated snapshot opens read-only, says so, and its view fails clearly', () => {
    const dir = tempDir();
    const [origin, cow] = [fixture('p-overflow', 'origin.img.gz', dir), fixture('p-overflow', 'cow.img.gz', dir)];
    const info = cliJson('info', cow).value;
    expect(info.valid).toBe(false);
    const r = cli('read', cow, '--origin', origin, '-s', 'snap', '--out', path.join(dir, 'v'));
    expect(r.code).toBe(1);
    oneLine(r);
    const w = cli('write', cow, '--origin', origin, '-s', 'origin', '--chunk', '1', '--fill', '1');
    expect(w.code).toBe(1);
    expect(oneLine(w)).toContain('invalid');
  });

  it('format, write, replay, read, snapshot create refusal, merge dry-run and merge with monotonic JSON progress', () => {
    const dir = tempDir();
    const [origin, cow, script] = [path.join(dir, 'o'), path.join(dir, 'p.cow'), path.join(dir, 's')];
    writeOrigin(origin, 4 << 20, 4096);
    const pristine = fs.readFileSync(origin);
    expect(cli('format', cow, '--kind', 'persistent', '--chunk-size', '4k', '--size', '2M').code).toBe(0);
    expect(cli('write', cow, '--origin', origin, '-s', 'origin', '--chunk', '0', '--fill', '0xee').code).toBe(0);
    const lines = [];
    for (let c = 1; c < 300; c += 3) lines.push(`origin-write ${c} 0x${(c & 255).toString(16)}`);
    lines.push('commit', 'snap-write snap 2 5');
    fs.writeFileSync(script, lines.join('\n'));
    expect(cli('replay', cow, '--origin', origin, '--script', script).code).toBe(0);

    const create = cli('snapshot', 'create', cow);
    expect(create.code).toBe(1);
    expect(oneLine(create)).toContain('holds exactly one snapshot');
    expect(cli('snapshot', 'delete', cow, '-s', 'snap').stderr).toContain('holds exactly one snapshot');
    expect(cliJson('snapshot', 'list', cow).value.snapshots).toMatchObject([{ slot: 0, name: 'snap', exceptions: 102 }]);

    const view = path.join(dir, 'view');
    expect(cli('read', cow, '--origin', origin, '-s', 'snap', '--out', view).code).toBe(0);
    const expected = Buffer.from(pristine);
    expected.fill(5, 2 * 4096, 3 * 4096);
    expect(fs.readFileSync(view).equals(expected)).toBe(true);

    const before = [sha256(origin), sha256(cow)];
    const dry = cliJson('merge', cow, '--origin', origin, '--dry-run').value;
    expect(dry).toMatchObject({ dryRun: true, chunks: 102 });
    expect([sha256(origin), sha256(cow)]).toEqual(before);

    const merged = cli('merge', cow, '--origin', origin, '--json');
    expect(merged.code).toBe(0);
    const events = merged.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const progress = events.filter((e) => e.progress).map((e) => e.progress.done);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(102);
    expect(events.at(-1).result).toMatchObject({ chunks: 102 });
    expect(fs.readFileSync(origin).equals(expected)).toBe(true);
    expect(cliJson('info', cow).value.exceptions).toBe(0);
  });
});
