import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { cli, oneLine, tempDir, writeOrigin } from './cli.ts';
import { blank, canLoop, canPartition, digest, fillSharedVolume, guard, loop, ok, partitionedDisk } from './safety-fixtures.ts';

const MiB = 1 << 20;

/** `bytes` of `file` from `at`. */
function bytesOf(file: string, at: number, bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, b, 0, bytes, at);
  } finally {
    fs.closeSync(fd);
  }
  return b;
}

/** A 1 MiB origin file in `dir`, with the store of sharedVolume made on `cow` (a device of 2 MiB). */
function volumeOn(dir: string, cow: string, name = 'origin.img'): string {
  const origin = path.join(dir, name);
  writeOrigin(origin, MiB, 4096);
  fillSharedVolume(origin, cow);
  return origin;
}

/**
 * Loop devices over byte ranges of one image (losetup -o, --sizelimit) and partitions of one disk
 * are the same storage only where their bytes meet: an output there is refused, saying which bytes;
 * one beside them is written.
 */
describe.skipIf(!canLoop)('loop devices over ranges of one image', () => {
  it('a loop device over other bytes of the image is written; over the same bytes it is refused, naming them', () => {
    const dir = tempDir();
    const image = blank(path.join(dir, 'img.raw'), 4 * MiB);
    const input = loop(image, { sizeLimit: 2 * MiB });
    const origin = volumeOn(dir, input);
    const g = guard(origin, input);
    // Bytes 2..4 MiB: nothing of the input.
    const beside = loop(image, { offset: 2 * MiB, sizeLimit: 2 * MiB });
    ok(cli('read', input, '--origin', origin, '-s', 'one', '--out', beside));
    const expected = path.join(dir, 'one.img');
    ok(cli('read', input, '--origin', origin, '-s', 'one', '--out', expected));
    expect(bytesOf(image, 2 * MiB, MiB).equals(fs.readFileSync(expected))).toBe(true);
    g.unchanged();

    // Bytes 1..3 MiB: the input's second half.
    const over = loop(image, { offset: MiB, sizeLimit: 2 * MiB });
    for (const [out, why] of [
      [over, `bytes 1..2 MiB of ${image} are also ${input}, an input of this command`],
      // A loop device over that one: the same bytes, two layers down.
      [loop(over), `bytes 1..2 MiB of ${image} are also ${input}, an input of this command`],
      [image, `its bytes 0..2 MiB are ${input}, an input of this command`],
    ] as const) {
      const r = cli('read', input, '--origin', origin, '-s', 'one', '--out', out, '--force');
      expect(r.code, r.stderr).toBe(2);
      expect(oneLine(r)).toBe(`snapscope: refusing to write ${out}: ${why}`);
    }
    // An origin over the COW's bytes: the two would be written over each other.
    const originOver = loop(image, { offset: MiB, sizeLimit: MiB });
    const shared = cli('read', input, '--origin', originOver, '-s', 'one', '--out', path.join(dir, 'x.img'));
    expect(oneLine(shared)).toBe(`snapscope: the origin ${originOver} and the COW ${input} share bytes 1..2 MiB of ${image}`);
    // A loop device over the input device itself.
    const r = cli('read', input, '--origin', origin, '-s', 'one', '--out', loop(input), '--force');
    expect(oneLine(r)).toMatch(new RegExp(`^snapscope: refusing to write /dev/loop\\d+: it is bytes 0\\.\\.2 MiB of ${input}, an input of this command$`));
    g.unchanged();
  });

  it('a reader through one loop device holds its bytes only: a writer of other bytes goes on, one of the same bytes is refused', () => {
    const dir = tempDir();
    const image = blank(path.join(dir, 'img.raw'), 4 * MiB);
    const [first, second] = [loop(image, { sizeLimit: 2 * MiB }), loop(image, { offset: 2 * MiB, sizeLimit: 2 * MiB })];
    const origin = volumeOn(dir, first);
    volumeOn(dir, second, 'second-origin.img');
    const held = openInput(first, 'COW', false);
    onTestFinished(() => held.dev.close());
    ok(cli('snapshot', 'create', second, '--name', 'beside'));
    // The last sector of the first half: one sector shared.
    const edge = loop(image, { offset: 2 * MiB - 512, sizeLimit: 2 * MiB });
    const g = guard(path.resolve(origin), first);
    const r = cli('snapshot', 'create', edge, '--name', 'late');
    expect(r.code, r.stderr).toBe(1);
    expect(oneLine(r)).toMatch(/is open for reading by .*; nothing was written/);
    g.unchanged();
    // A reader of the image file holds every loop device over it.
    held.dev.close();
    const whole = openInput(image, 'COW', false);
    onTestFinished(() => whole.dev.close());
    expect(oneLine(cli('snapshot', 'create', second, '--name', 'late'))).toMatch(/is open for reading by .*; nothing was written/);
  });
});

describe.skipIf(!canPartition)('partitions of one disk', () => {
  it('the whole disk under a partition that is an input is refused; the other partition is written', () => {
    const dir = tempDir();
    const { disk, parts } = partitionedDisk(dir);
    const origin = volumeOn(dir, parts[0]);
    const g = guard(origin, parts[0]);
    const r = cli('read', parts[0], '--origin', origin, '-s', 'one', '--out', disk, '--force');
    expect(r.code, r.stderr).toBe(2);
    expect(oneLine(r)).toBe(`snapscope: refusing to write ${disk}: its bytes 1..3 MiB are ${parts[0]}, an input of this command`);
    ok(cli('read', parts[0], '--origin', origin, '-s', 'one', '--out', parts[1]));
    g.unchanged();
    expect(digest(parts[1])).not.toBe(digest(parts[0]));
  });

  it('a reader of one partition holds its bytes of the disk: a writer of the disk is refused, of the other partition not', () => {
    const dir = tempDir();
    const { disk, parts } = partitionedDisk(dir);
    volumeOn(dir, parts[0]);
    volumeOn(dir, parts[1], 'second-origin.img');
    const held = openInput(parts[0], 'COW', false);
    onTestFinished(() => held.dev.close());
    ok(cli('snapshot', 'create', parts[1], '--name', 'beside'));
    const g = guard(parts[0]);
    const r = cli('snapshot', 'create', disk, '--name', 'late');
    expect(r.code, r.stderr).toBe(1);
    expect(oneLine(r)).toMatch(/is open for reading by .*; nothing was written/);
    g.unchanged();
  });
});
