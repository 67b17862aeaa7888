import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, oneLine, sha256, tempDir } from './cli.ts';

describe('snapscope CLI: help, version, usage, bad input', () => {
  it('prints help and version; usage errors exit 2 with one line', () => {
    const help = cli('--help');
    expect(help.code).toBe(0);
    for (const c of ['format', 'info', 'snapshot create', 'write', 'read', 'tree', 'replay', 'merge', 'demo', 'serve']) expect(help.stdout).toContain(c);
    expect(cli().code).toBe(2);
    const version = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')).version;
    expect(cli('--version').stdout.trim()).toBe(`snapscope ${version}`);
    const sub = cli('write', '--help');
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--data-file F');

    for (const argv of [['nope'], ['info'], ['snapshot'], ['info', 'x', '--bogus'], ['format', 'shared', 'x', '--size', '12Q'], ['format', 'weird', 'x']]) {
      const r = cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(oneLine(r)).toMatch(/^snapscope: /);
    }
  });

  it('--json errors are {"error":{code,message,where}}', () => {
    const r = cliJson('info', '/nonexistent/cow');
    expect(r.code).toBe(2);
    expect(r.value.error).toMatchObject({ code: 'usage', message: expect.stringContaining('/nonexistent/cow'), where: { device: '/nonexistent/cow' } });
    expect(cliJson('frobnicate').value.error.code).toBe('usage');
  });

  it('not a store, truncated, a directory, wrong magic: one clear line, exit 1 or 2, nothing written', () => {
    const dir = tempDir();
    const files: Record<string, Buffer> = {
      zeros: Buffer.alloc(65536),
      tiny: Buffer.from([0x74, 0x19]),
      text: Buffer.from('hello world, this is not a store\n'.repeat(100)),
      // Right magic, truncated right after the header.
      'shared-short': Buffer.from([0x74, 0x19, 0x16, 0x10, 1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0]),
      'persistent-short': Buffer.from([0x53, 0x6e, 0x41, 0x70, 1, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0]),
    };
    for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
    const before = Object.keys(files).map((n) => sha256(path.join(dir, n)));
    for (const name of Object.keys(files)) {
      const f = path.join(dir, name);
      const writes = ['write', f, f, '--to', 'origin', '--chunk', '0', '--fill', '1'];
      for (const argv of name === 'zeros' || name === 'shared-short' ? [['info', f], ['tree', f], writes] : [['info', f]]) {
        const r = cli(...argv);
        expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(1);
        expect(oneLine(r)).toContain(f);
      }
    }
    expect(cli('info', path.join(dir, 'zeros')).stderr).toMatch(/not a snapshot exception store: found magic 0x00000000/);
    expect(Object.keys(files).map((n) => sha256(path.join(dir, n)))).toEqual(before);
    const d = cli('info', dir);
    expect(d.code).toBe(2);
    expect(oneLine(d)).toContain('is a directory');
  });

  it('a label name that is not UTF-8: info still shows the store and says it is damaged; check names the label chunk', () => {
    const cow = path.join(tempDir(), 'cow');
    expect(cli('format', 'shared', cow, '--chunk-size', '4k', '--size', '1M').code).toBe(0);
    expect(cli('snapshot', 'create', cow, '--name', 'before').code).toBe(0);
    const bytes = fs.readFileSync(cow);
    const labelChunk = Number(bytes.readBigUInt64LE(48)); // header label_chunk
    bytes[labelChunk * 4096 + 16 + 32] = 0xf7; // the first name's first byte
    fs.writeFileSync(cow, bytes);
    const r = cli('info', cow);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/snapshots \(1\):/);
    expect(r.stdout).toContain('tree damaged: 1 error and 1 warning found, run snapscope check');
    const c = cli('check', cow);
    expect(c.code).toBe(1);
    expect(c.stdout).toContain(`s-label-corrupt chunk ${labelChunk} entry 0: slot 0: the name is not UTF-8`);
  });

  it('format warns when the chunk size cannot give 64 snapshots their own copy of one chunk', () => {
    const dir = tempDir();
    const small = cliJson('format', 'shared', path.join(dir, 'small.cow'), '--chunk-size', '512', '--size', '1M');
    expect(small.code).toBe(0);
    expect(small.value.warnings).toEqual([expect.stringContaining('at most 29 distinct copies')]);
    const text = cli('format', 'shared', path.join(dir, 'small2.cow'), '--chunk-size', '512', '--size', '1M');
    expect(text.stderr).toMatch(/^snapscope: warning: with 512-byte chunks/m);
    expect(cliJson('format', 'shared', path.join(dir, 'big.cow'), '--chunk-size', '4k', '--size', '1M').value.warnings).toEqual([]);
  });
});
