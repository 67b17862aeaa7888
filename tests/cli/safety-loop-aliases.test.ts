import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { cli, oneLine, tempDir } from './cli.ts';
import { canLoop, guard, loop, sharedVolume } from './safety-fixtures.ts';

/**
 * A loop device is another name for its backing file: writing /dev/loopN writes the file. An
 * output or a writer that reaches an input or a held store through a loop device is the same
 * storage, whatever node or path it is named by.
 */
describe.skipIf(!canLoop)('loop devices over an input are that input', () => {
  it('--out a loop device over the origin or the COW is refused, even with --force, and nothing is written', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    const g = guard(origin, cow);
    const overOrigin = loop(origin);
    const overCow = loop(cow);
    for (const argv of [
      ['read', cow, '--origin', origin, '-s', 'one', '--out', overOrigin, '--force'],
      ['read', cow, '--origin', origin, '-s', 'one', '--out', overCow, '--force'],
      ['repair', cow, '--out', overCow, '--force'],
      ['dump', cow, '--out', overCow, '--force'],
      // The input named by one loop device, the output by a second one over the same file.
      ['read', cow, '--origin', loop(origin), '-s', 'one', '--out', overOrigin, '--force'],
      // A loop device over the loop device over the origin.
      ['read', cow, '--origin', origin, '-s', 'one', '--out', loop(overOrigin), '--force'],
    ]) {
      const r = cli(...argv);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).not.toBe(0);
      expect(oneLine(r), argv.join(' ')).toMatch(/^snapscope: refusing to write \/dev\/loop\d+: (it is |)bytes 0\.\.[12] MiB of \S+ (are also \S+, |)an input of this command(; .*)?$/);
    }
    g.unchanged();
  });

  it('a writer through a second loop device over the same store, or the same one, is refused naming the first', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    const [first, second] = [loop(cow), loop(cow)];
    const held = openInput(first, 'COW', true);
    onTestFinished(() => held.dev.close());
    const g = guard(path.resolve(origin), cow);
    for (const argv of [
      ['snapshot', 'create', second, '--name', 'late'],
      ['write', second, '--origin', origin, '-s', 'one', '--chunk', '5', '--fill', '7'],
      // The same node: its O_EXCL open fails first, and the refusal still names the holder.
      ['snapshot', 'create', first, '--name', 'late'],
    ]) {
      const r = cli(...argv);
      expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBe(1);
      expect(oneLine(r)).toMatch(/is open for writing by .*; nothing was written/);
    }
    g.unchanged();
  });
});
