import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, oneLine, tempDir } from './cli.ts';

describe('snapscope demo', () => {
  it('its help says what it writes: the sizes of the two files and how many snapshots', () => {
    const dir = tempDir();
    const made = cliJson('demo', dir).value;
    const help = cli('demo', '--help').stdout;
    const words = ['no', 'one', 'two', 'three', 'four', 'five', 'six'];
    const origin = fs.statSync(path.join(dir, 'origin.img')).size;
    const cow = fs.statSync(path.join(dir, 'shared.cow')).size;
    expect(help).toContain(`a ${origin >> 20} MiB origin and a ${cow >> 20} MiB shared store with ${words[made.snapshots.length]} snapshots`);
  });

  it('a failed demo leaves nothing it created (shared.cow is a directory)', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'shared.cow'));
    expect(oneLine(cli('demo', dir, '--force'))).toMatch(/is a directory/);
    expect(fs.readdirSync(dir)).toEqual(['shared.cow']);
  });

  it('a path that is a file, not a directory: named as such', () => {
    const dir = tempDir();
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'x');
    expect(oneLine(cli('demo', file))).toMatch(new RegExp(`${file} is not a directory`));
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });
});
