import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, oneLine, tempDir } from './cli.ts';
import { blank, canLoop, guard, loop, ok, sharedVolume } from './safety-fixtures.ts';

const hasMkfs = ((): boolean => {
  try {
    execFileSync('mkfs.ext4', ['-V'], { stdio: 'ignore' });
    execFileSync('blkid', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function ext4Image(file: string): string {
  blank(file, 8 << 20);
  execFileSync('mkfs.ext4', ['-q', '-F', file]);
  return file;
}

/** What blkid sees on a file or device ('' when nothing). */
function blkid(p: string): string {
  try {
    return execFileSync('blkid', ['-p', '-o', 'value', '-s', 'TYPE', p], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

describe('format refuses targets that hold something', () => {
  it('an 8 MiB file of data is neither shrunk nor overwritten without --force; --dry-run says what would be', () => {
    const dir = tempDir();
    const victim = path.join(dir, 'victim.img');
    fs.writeFileSync(victim, Buffer.alloc(8 << 20, 0x42));
    const g = guard(victim);
    const r = cli('format', 'shared', victim, '--size', '1M');
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/refusing to overwrite .*holds data.*--force/);
    const dry = cliJson('format', 'shared', victim, '--size', '1M', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.value).toMatchObject({ dryRun: true, needsForce: true, overwrites: expect.stringContaining('holds data') });
    g.unchanged();
    ok(cli('format', 'shared', victim, '--size', '1M', '--force'));
    expect(fs.statSync(victim).size).toBe(1 << 20);
  });

  it('a sparse all-zero file is not "data", but shrinking it needs --force', () => {
    const dir = tempDir();
    const zeros = blank(path.join(dir, 'zeros.img'), 4 << 20);
    expect(oneLine(cli('format', 'shared', zeros, '--size', '1M'))).toContain('would shrink it');
    ok(cli('format', 'shared', zeros));
    expect(cli('info', zeros).code).toBe(0);
  });

  it('an existing store (either format) needs --force', () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const g = guard(cow);
    expect(oneLine(cli('format', 'persistent', cow))).toContain('snapscope shared store');
    g.unchanged();
  });

  it.skipIf(!hasMkfs)('an ext4 image is refused; with --force the ext4 signature is wiped and blkid sees only the new COW', () => {
    const dir = tempDir();
    const img = ext4Image(path.join(dir, 'fs.img'));
    expect(blkid(img)).toBe('ext4');
    const g = guard(img);
    expect(oneLine(cli('format', 'shared', img))).toContain('ext2/3/4 filesystem');
    const dry = cli('format', 'shared', img, '--dry-run');
    expect(dry.stdout).toMatch(/would overwrite .*ext2\/3\/4 filesystem/);
    g.unchanged();
    const r = cliJson('format', 'persistent', img, '--force');
    expect(r.code).toBe(0);
    expect(r.value.wiped).toEqual([{ name: 'ext2/3/4 filesystem', offset: 1080 }]);
    expect(blkid(img)).toBe('DM_snapshot_cow'); // only what snapscope wrote: a persistent COW
    expect(cli('info', img).code).toBe(0);
  });

  it('other signatures are recognised: XFS, btrfs, LVM2, swap, LUKS, GPT, MBR', () => {
    const dir = tempDir();
    const cases: [string, number, string][] = [
      ['XFS filesystem', 0, 'XFSB'],
      ['btrfs filesystem', 65536 + 64, '_BHRfS_M'],
      ['LVM2 physical volume', 512, 'LABELONE'],
      ['swap space', 4086, 'SWAPSPACE2'],
      ['LUKS encrypted volume', 0, 'LUKS\xba\xbe'],
      ['GPT partition table', 512, 'EFI PART'],
      ['DOS partition table or boot sector', 510, '\x55\xaa'],
    ];
    for (const [name, offset, magic] of cases) {
      const img = blank(path.join(dir, `${name.split(' ')[0]}.img`), 1 << 20);
      const fd = fs.openSync(img, 'r+');
      fs.writeSync(fd, Buffer.from(magic, 'latin1'), 0, magic.length, offset);
      fs.closeSync(fd);
      const r = cli('format', 'shared', img);
      expect(r.code, name).toBe(2);
      expect(oneLine(r)).toContain(name);
    }
  });

  it('a read-only file is refused up front', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    fs.chmodSync(cow, 0o444);
    const g = guard(cow, origin);
    for (const argv of [['snapshot', 'create', cow], ['write', origin, cow, '--to', 'origin', '--chunk', '1', '--fill', '1'], ['format', 'shared', cow, '--force']]) {
      expect(oneLine(cli(...argv)), argv.join(' ')).toContain('is a read-only file');
    }
    g.unchanged();
  });

  it.skipIf(!canLoop || !hasMkfs)('on a loop device holding ext4: refused, then with --force wiped (blkid agrees)', () => {
    const dir = tempDir();
    const dev = loop(ext4Image(path.join(dir, 'fs.img')));
    const g = guard(dev);
    expect(oneLine(cli('format', 'shared', dev))).toContain('ext2/3/4 filesystem');
    g.unchanged();
    ok(cli('format', 'shared', dev, '--force'));
    expect(blkid(dev)).toBe('');
    expect(fs.statSync(dev).isBlockDevice()).toBe(true);
  });
});

describe('restore, repair and read --out refuse targets that hold data', () => {
  it('read --out over a file of data or a store needs --force', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    const other = sharedVolume(path.join(dir, 'x') + (fs.mkdirSync(path.join(dir, 'x')), '')).cow;
    const data = path.join(dir, 'data.bin');
    fs.writeFileSync(data, Buffer.alloc(1 << 20, 1));
    const g = guard(origin, cow, other, data);
    expect(oneLine(cli('read', origin, cow, '--from', 'one', '--out', data))).toContain('holds data');
    expect(oneLine(cli('read', origin, cow, '--from', 'one', '--out', other))).toContain('snapscope shared store');
    expect(oneLine(cli('repair', cow, '--out', other))).toContain('snapscope shared store');
    expect(ok(cli('repair', cow, '--out', data, '--dry-run'))).toMatch(/--out would overwrite .*data\.bin \(1048576 bytes, which holds data\) \(needs --force\)/);
    g.unchanged();
    ok(cli('read', origin, cow, '--from', 'one', '--out', data, '--force'));
  });
});
