import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeHeader, encodeHeader } from '../../src-core/shared/format/header.ts';
import { DELETING_FLAG } from '../../src-core/shared/shared-store.ts';
import { cli, cliJson, oneLine, tempDir } from './cli.ts';

/** A shared store with two snapshots and some exceptions, made with the CLI itself. */
function sharedImage(dir: string): string {
  const cow = path.join(dir, 'cow.img');
  const origin = path.join(dir, 'origin.img');
  fs.writeFileSync(origin, Buffer.alloc(1 << 20));
  expect(cli('format', cow, '--kind', 'shared', '--size', '1M', '--chunk-size', '4k').code).toBe(0);
  const script = path.join(dir, 'ops.txt');
  fs.writeFileSync(script, 'snap-create one\norigin-write 1 7\norigin-write 5 8\nsnap-create two\norigin-write 1 9\ncommit\n');
  expect(cli('replay', cow, '--origin', origin, '--script', script).code).toBe(0);
  return cow;
}

describe('snapscope check, repair, dump, restore, stats', () => {
  it('check: clean store exits 0; damage exits 4 with the finding; garbage exits 3; --quiet prints nothing', () => {
    const dir = tempDir();
    const cow = sharedImage(dir);
    const clean = cli('check', cow);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/exceptions: clean/);
    const bytes = fs.readFileSync(cow);
    const json0 = cliJson('stats', cow).value;
    expect(json0.exceptions).toBe(3);
    bytes[4096] = 0; // bitmap byte 0: chunks 0..7 (header, bitmap, tree) now read as free
    fs.writeFileSync(path.join(dir, 'bad.img'), bytes);
    const bad = cliJson('check', path.join(dir, 'bad.img'));
    expect(bad.code).toBe(4);
    expect(bad.value.findings[0]).toMatchObject({ kind: 's-bitmap-free', severity: 'error', chunk: 0 });
    const quiet = cli('check', path.join(dir, 'bad.img'), '--quiet');
    expect([quiet.code, quiet.stdout, quiet.stderr]).toEqual([4, '', '']);
    fs.writeFileSync(path.join(dir, 'zeros.img'), Buffer.alloc(8192));
    expect(cli('check', path.join(dir, 'zeros.img')).code).toBe(3);
    expect(cli('check').code).toBe(2);
  });

  it('repair --out gives a store that checks clean; --dry-run writes nothing; --in-place keeps a backup', () => {
    const dir = tempDir();
    const cow = sharedImage(dir);
    const bytes = fs.readFileSync(cow);
    bytes[4096] = 0;
    const bad = path.join(dir, 'bad.img');
    fs.writeFileSync(bad, bytes);
    const dry = cliJson('repair', bad, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.value).toMatchObject({ kept: 3, lost: 0, target: null });
    expect(fs.readFileSync(bad).equals(bytes)).toBe(true);
    expect(cli('repair', bad, '--out', path.join(dir, 'fixed.img')).code).toBe(0);
    expect(cli('check', path.join(dir, 'fixed.img'), '--strict').code).toBe(0);
    expect(cli('repair', bad, '--in-place').code).toBe(0);
    expect(cli('check', bad, '--strict').code).toBe(0);
    expect(fs.readFileSync(`${bad}.snapscope-backup`).subarray(0, 4).toString()).toBe('SSB2');
    expect(cli('repair', bad).code).toBe(2);
  });

  it('dump → restore → dump is identical (json and xml); stats reports per snapshot', () => {
    const dir = tempDir();
    const cow = sharedImage(dir);
    for (const form of ['json', 'xml']) {
      const d1 = cli('dump', cow, '--format', form);
      expect(d1.code).toBe(0);
      const file = path.join(dir, `dump.${form}`);
      fs.writeFileSync(file, d1.stdout);
      const fresh = path.join(dir, `new-${form}.img`);
      expect(cli('restore', fresh, '--dump', file, '--metadata-only').code).toBe(0); // a dump holds no data chunks
      expect(cli('dump', fresh, '--format', form).stdout).toBe(d1.stdout);
      // Onto the store itself: backed up first.
      const copy = path.join(dir, `copy-${form}.img`);
      fs.copyFileSync(cow, copy);
      expect(cli('restore', copy, '--dump', file).code).toBe(0);
      expect(fs.existsSync(`${copy}.snapscope-backup`)).toBe(true);
      expect(cli('dump', copy, '--format', form, '--out', path.join(dir, 'again')).code).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'again'), 'utf8')).toBe(d1.stdout);
    }
    const s = cliJson('stats', cow).value;
    expect(s.snapshots.map((p: { name: string; exceptions: number }) => [p.name, p.exceptions])).toEqual([
      ['one', 2],
      ['two', 1],
    ]);
    expect(cli('stats', cow).stdout).toMatch(/tree: 1 level, /);
  });

  it('repair keeps a merge in progress and a part-way delete recorded, and says so; dump carries them', () => {
    const dir = tempDir();
    const cow = sharedImage(dir);
    const bytes = fs.readFileSync(cow);
    const head = new Uint8Array(bytes.buffer, bytes.byteOffset, 512);
    encodeHeader({ ...decodeHeader(head, cow), mergeSlot: 1, mergeDone: 0, mergeCursor: 0, extFlags: (DELETING_FLAG | 0) >>> 0 }, head);
    bytes[4096] = 0;
    const bad = path.join(dir, 'bad.img');
    fs.writeFileSync(bad, bytes);
    const dry = cliJson('repair', bad, '--dry-run');
    expect(dry.value.notes).toEqual([
      'snapshot slot 0 was being deleted (its data is incomplete): still marked; delete it again to finish',
      'snapshot slot 1 is being merged into the origin (origin chunks below 0 merged): still recorded; run merge again to finish',
    ]);
    const fixed = path.join(dir, 'fixed.img');
    const run = cli('repair', bad, '--out', fixed);
    expect(run.stdout).toMatch(/note: snapshot slot 1 is being merged into the origin/);
    expect(cli('check', fixed).code).toBe(0);
    // The unfinished delete stays recorded, and check warns about it until it is finished.
    expect(cli('check', fixed, '--strict').stdout).toMatch(/s-delete-in-progress/);
    expect(cli('dump', fixed).stdout).toMatch(/"deleting":0,"merge":\{"slot":1,"done":0,"cursor":0\}/);
  });

  it('restore of a persistent dump refuses an old_chunk remapped twice up front, in one clear line', () => {
    const dir = tempDir();
    const dump = path.join(dir, 'dup.json');
    fs.writeFileSync(
      dump,
      '{"snapscope_dump":1,"format":"persistent","chunk_bytes":4096,"chunk_count":512,"valid":true,"version":1,"snapmask":"0x1","snapshots":[],\n"exceptions":[\n[5,2,"0x1"],\n[6,3,"0x1"],\n[5,4,"0x1"]\n]}\n',
    );
    const target = path.join(dir, 'new.img');
    const r = cli('restore', target, '--dump', dump);
    expect(r.code).toBe(1);
    expect(oneLine(r)).toMatch(/exceptions 0 and 2 both remap old_chunk 5/);
    expect(fs.existsSync(target)).toBe(false); // nothing written, not even the file
  });
});
