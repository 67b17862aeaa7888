import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, oneLine, tempDir } from './cli.ts';
import { blank, digest, guard, ok, sharedVolume } from './safety-fixtures.ts';

/** Breaks the bitmap's first byte: check reports it, repair rebuilds it. */
function damage(cow: string): void {
  const fd = fs.openSync(cow, 'r+');
  fs.writeSync(fd, Buffer.alloc(1), 0, 1, 4096);
  fs.closeSync(fd);
}

describe('a failed command changes nothing', () => {
  it('write --data-file running past the end of the origin writes nothing', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    const data = path.join(dir, 'data');
    fs.writeFileSync(data, Buffer.alloc(3 * 4096, 0x77));
    const g = guard(origin, cow);
    for (const to of ['origin', 'one']) {
      const r = cli('write', cow, '--origin', origin, '-s', to, '--chunk', '254', '--data-file', data);
      expect(r.code).toBe(1);
      expect(oneLine(r)).toMatch(/run to chunk 256.*past the end of the origin.*nothing was written/);
    }
    g.unchanged();
  });

  it('replay with a failing line writes nothing and names the line', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    const script = path.join(dir, 'script');
    fs.writeFileSync(script, ['snap-create three', 'origin-write 5 9', 'snap-write three 6 1', 'commit', 'origin-write 7 1', 'snap-delete nosuch', 'origin-write 8 1'].join('\n'));
    const g = guard(origin, cow);
    const r = cli('replay', cow, '--origin', origin, '--script', script);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/script:6: snap-delete: .*nosuch.*; nothing was written/);
    g.unchanged();
  });

  it('replay of a good script applies all of it, as the same operations one by one do', () => {
    const dir = tempDir();
    const a = sharedVolume(path.join(dir, 'a') + (fs.mkdirSync(path.join(dir, 'a')), ''));
    const b = sharedVolume(path.join(dir, 'b') + (fs.mkdirSync(path.join(dir, 'b')), ''));
    const script = path.join(dir, 'script');
    fs.writeFileSync(script, ['origin-write 5 9', 'snap-write two 6 1', 'snap-delete one'].join('\n'));
    ok(cli('replay', a.cow, '--origin', a.origin, '--script', script));
    ok(cli('write', b.cow, '--origin', b.origin, '-s', 'origin', '--chunk', '5', '--fill', '9'));
    ok(cli('write', b.cow, '--origin', b.origin, '-s', 'two', '--chunk', '6', '--fill', '1'));
    ok(cli('snapshot', 'delete', b.cow, '-s', 'one'));
    expect(digest(a.origin)).toBe(digest(b.origin));
    // Same views (the chunks the copies landed in may differ: commits change allocation).
    const view = (v: { origin: string; cow: string }, n: string): string => (ok(cli('read', v.cow, '--origin', v.origin, '-s', 'two', '--out', path.join(dir, n))), digest(path.join(dir, n)));
    expect(view(a, 'va')).toBe(view(b, 'vb'));
    expect(cliJson('snapshot', 'list', a.cow).value.snapshots.map((x: { name: string }) => x.name)).toEqual(['two']);
  });
});

describe('restore needs the data chunks, and backups never block a retry', () => {
  it('restore of a dump into a new file is refused without --metadata-only or --data-from', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    const dump = path.join(dir, 'dump.json');
    ok(cli('dump', cow, '--out', dump));
    const fresh = path.join(dir, 'new.cow');
    // The dry run refuses as the restore does.
    for (const dry of [['--dry-run'], []]) {
      const r = cli('restore', fresh, '--dump', dump, ...dry);
      expect(r.code).toBe(2);
      expect(oneLine(r)).toMatch(/lacks the data chunks.*--data-from.*--metadata-only to write the metadata alone$/);
      expect(fs.existsSync(fresh)).toBe(false);
    }
    // --data-from: snapshots read what they read in the original.
    ok(cli('restore', fresh, '--dump', dump, '--data-from', cow));
    for (const snap of ['one', 'two']) {
      const [x, y] = [path.join(dir, `${snap}.a`), path.join(dir, `${snap}.b`)];
      ok(cli('read', cow, '--origin', origin, '-s', snap, '--out', x));
      ok(cli('read', fresh, '--origin', origin, '-s', snap, '--out', y));
      expect(digest(y), snap).toBe(digest(x));
    }
    // --metadata-only: as asked, the metadata alone.
    const meta = path.join(dir, 'meta.cow');
    ok(cli('restore', meta, '--dump', dump, '--metadata-only'));
    expect(cli('dump', meta).stdout).toBe(fs.readFileSync(dump, 'utf8'));
  });

  it('a failed restore leaves no backup behind, so the retry works; a used backup gets a clear message and --backup', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const dump = path.join(dir, 'dump.json');
    ok(cli('dump', cow, '--out', dump));
    const backup = `${cow}.snapscope-backup`;
    // An empty leftover (a run killed before its first record) is reused, not an error.
    fs.writeFileSync(backup, 'SSBK');
    const first = cli('restore', cow, '--dump', dump);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(fs.existsSync(backup)).toBe(true);
    const again = cli('restore', cow, '--dump', dump);
    expect(again.code).toBe(2);
    expect(oneLine(again)).toMatch(/already exists and holds \d+ records.*backup-restore.*--backup FILE/);
    ok(cli('restore', cow, '--dump', dump, '--backup', path.join(dir, 'second.bak')));
    // A bad dump fails before any write and leaves no backup file.
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, fs.readFileSync(dump, 'utf8').replace('"chunkCount":512', '"chunkCount":3'));
    const g = guard(cow);
    expect(cli('restore', cow, '--dump', bad, '--backup', path.join(dir, 'third.bak')).code).not.toBe(0);
    expect(fs.existsSync(path.join(dir, 'third.bak'))).toBe(false);
    g.unchanged();
  });

  it("repair --in-place and restore refuse a --backup that is someone's small file, writing nothing", () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const dump = path.join(dir, 'dump.json');
    ok(cli('dump', cow, '--out', dump));
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'keep me\n');
    const g = guard(cow);
    for (const argv of [
      ['repair', cow, '--in-place', '--backup', notes],
      ['restore', cow, '--dump', dump, '--backup', notes],
    ]) {
      const r = cli(...argv);
      expect(r.code, argv.join(' ')).not.toBe(0);
      expect(oneLine(r)).toMatch(/notes\.txt is not a snapscope backup/);
      expect(fs.readFileSync(notes, 'utf8')).toBe('keep me\n');
    }
    g.unchanged();
  });

  it('backup-restore undoes repair --in-place, byte for byte', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    damage(cow);
    const before = digest(cow);
    const r = cli('repair', cow, '--in-place');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('undo with: snapscope backup-restore');
    expect(digest(cow)).not.toBe(before);
    expect(cli('check', cow, '--strict').code).toBe(0);
    const dry = cliJson('backup-restore', cow, '--backup', `${cow}.snapscope-backup`, '--dry-run');
    expect(dry.value.records).toBeGreaterThan(0);
    expect(digest(cow)).not.toBe(before);
    ok(cli('backup-restore', cow, '--backup', `${cow}.snapscope-backup`));
    expect(digest(cow)).toBe(before);
  });

  it('backup-restore refuses a backup that does not fit the COW, writing nothing', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    damage(cow);
    ok(cli('repair', cow, '--in-place'));
    const small = blank(path.join(dir, 'small.cow'), 4096);
    const g = guard(small);
    expect(oneLine(cli('backup-restore', small, '--backup', `${cow}.snapscope-backup`))).toMatch(/holds 4096: not a backup of this COW; nothing was written/);
    expect(oneLine(cli('backup-restore', cow, '--backup', small))).toContain('not a snapscope backup');
    g.unchanged();
  });
});
