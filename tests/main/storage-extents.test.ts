import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBlockEntry, type BlockEntry } from '../../src-main/host/access/block-info.ts';
import { parseDmTable } from '../../src-main/host/access/dm-table.ts';
import { overlapOf, type Extent } from '../../src-main/host/access/extents.ts';
import { assertNotAnInput, bytesKey, describeShared, inspectTarget, inspectTargetReading, sameStorage } from '../../src-main/host/access/target.ts';
import { tempDir } from '../cli/cli.ts';
import { blank, canLoop, canPartition, loop, partitionedDisk } from '../cli/safety-fixtures.ts';

const MiB = 1 << 20;
const same = (a: string, b: string): boolean => sameStorage(inspectTarget(a), inspectTarget(b));

describe.skipIf(!canLoop)('loop devices over byte ranges of one image (real loop devices)', () => {
  it('meet exactly where their bytes do: one shared sector is the same storage, touching ranges are not', () => {
    const dir = tempDir();
    const image = blank(path.join(dir, 'img.raw'), 4 * MiB);
    const first = loop(image, { sizeLimit: 2 * MiB });
    const touching = loop(image, { offset: 2 * MiB, sizeLimit: 2 * MiB });
    const lastSector = loop(image, { offset: 2 * MiB - 512, sizeLimit: 512 });
    // No size limit: from 1 MiB to the end of the image.
    const rest = loop(image, { offset: MiB });
    expect(same(first, touching)).toBe(false);
    expect(same(first, lastSector)).toBe(true);
    expect(same(touching, lastSector)).toBe(false);
    expect(same(rest, touching)).toBe(true);
    expect(same(rest, lastSector)).toBe(true);
    expect(describeShared(inspectTarget(first), inspectTarget(lastSector))).toBe(`share bytes 2096640..2097152 of ${image}`);
    expect(describeShared(inspectTarget(first), inspectTarget(rest))).toBe(`share bytes 1..2 MiB of ${image}`);
    // A loop device over a loop device adds the offsets.
    const inner = loop(touching, { offset: MiB });
    expect(same(inner, rest)).toBe(true);
    expect(same(inner, first)).toBe(false);
    expect(describeShared(inspectTarget(inner), inspectTarget(image))).toBe(`share bytes 3..4 MiB of ${image}`);
    // The image itself holds every byte of each.
    for (const dev of [first, touching, lastSector, rest, inner]) expect(same(dev, image), dev).toBe(true);
  });
});

describe.skipIf(!canLoop)('loop devices at any offset and size limit (real loop devices, against a model)', () => {
  it('are the same storage exactly when the bytes the kernel gives them meet', () => {
    const dir = tempDir();
    const imageBytes = 64 * 1024;
    const image = blank(path.join(dir, 'img.raw'), imageBytes);
    // A loop device spans whole 512-byte sectors from its offset: min(limit, what is left) rounded down.
    const span = (below: number, offset: number, limit: number): number => Math.floor(Math.min(limit || Infinity, below - offset) / 512) * 512;
    const params = fc.record({ offset: fc.nat(imageBytes - 1024), limit: fc.oneof(fc.constant(0), fc.integer({ min: 512, max: imageBytes })) });
    fc.assert(
      fc.property(params, params, params, fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: -1024, max: 1024 })), fc.nat(2048), (a, b, c, edge, innerOffset) => {
        // The third starts near where the first ends: the arithmetic is tested at its edge.
        const third = { ...c, offset: Math.max(0, Math.min(imageBytes - 1024, a.offset + span(imageBytes, a.offset, a.limit) + edge)) };
        const loops: string[] = [];
        try {
          const model = [a, b, third].map((p) => {
            loops.push(execFileSync('losetup', ['-f', '--show', '-o', String(p.offset), '--sizelimit', String(p.limit), image], { encoding: 'utf8' }).trim());
            return { start: p.offset, end: p.offset + span(imageBytes, p.offset, p.limit) };
          });
          // One more over the first, from `innerOffset` of it.
          const first = model[0]!;
          if (innerOffset < first.end - first.start - 512) {
            loops.push(execFileSync('losetup', ['-f', '--show', '-o', String(innerOffset), loops[0]!], { encoding: 'utf8' }).trim());
            model.push({ start: first.start + innerOffset, end: first.start + innerOffset + span(first.end - first.start, innerOffset, 0) });
          }
          const targets = loops.map((l) => inspectTarget(l));
          for (let i = 0; i < loops.length; i++) {
            for (let j = i + 1; j < loops.length; j++) {
              const meet = Math.max(model[i]!.start, model[j]!.start) < Math.min(model[i]!.end, model[j]!.end);
              // A loop device over another is that one's bytes whatever the image's say.
              const expected = meet || (j === 3 && i === 0);
              expect(sameStorage(targets[i]!, targets[j]!), `${JSON.stringify(model[i])} ${JSON.stringify(model[j])}`).toBe(expected);
            }
          }
        } finally {
          for (const l of loops.reverse()) execFileSync('losetup', ['-d', l]);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe.skipIf(!canPartition)('partitions (real partitions of a loop device)', () => {
  it('a partition is its bytes of the disk: the whole disk and a loop device over those bytes are it, the other partition is not', () => {
    const dir = tempDir();
    const { image, disk, parts } = partitionedDisk(dir);
    const [p1, p2] = parts;
    expect(same(p1, disk)).toBe(true);
    expect(same(disk, p2)).toBe(true);
    expect(same(p1, p2)).toBe(false);
    expect(describeShared(inspectTarget(disk), inspectTarget(p2))).toBe(`share bytes 3..5 MiB of ${disk}`);
    // Partition 1 is bytes 1..3 MiB of the image under the disk.
    expect(same(loop(image, { offset: 3 * MiB - 512, sizeLimit: 512 }), p1)).toBe(true);
    expect(same(loop(image, { offset: 3 * MiB, sizeLimit: 512 }), p1)).toBe(false);
    expect(same(loop(image, { sizeLimit: MiB }), p1)).toBe(false);
    // A loop device over a partition is that partition's bytes, and the disk's.
    const overP1 = loop(p1, { offset: MiB });
    expect(same(overP1, disk)).toBe(true);
    expect(same(overP1, p2)).toBe(false);
    expect(describeShared(inspectTarget(overP1), inspectTarget(image))).toBe(`share bytes 2..3 MiB of ${image}`);
    // The same bytes in the same order are one key, however many layers name them.
    const key = (p: string): string | null => bytesKey(inspectTarget(p));
    expect(key(loop(image, { offset: MiB, sizeLimit: 2 * MiB }))).toBe(key(p1));
    expect(key(loop(disk, { offset: MiB, sizeLimit: 2 * MiB }))).toBe(key(p1));
    expect(key(loop(p1, { offset: MiB }))).toBe(key(loop(image, { offset: 2 * MiB, sizeLimit: MiB })));
    expect(key(loop(image, { offset: MiB, sizeLimit: MiB }))).not.toBe(key(p1));
    expect(key(disk)).toBe(key(image));
  });
});

/**
 * Device-mapper and md devices: the test machine's kernel has neither (no dm driver, no md, no
 * modules), so these read a directory laid out like sysfs and device nodes with its numbers, made
 * by mknod (stat only: nothing opens them). The layout is a real kernel's: under Linux 6.1 with a
 * dm-linear device over a partition and a disk, /sys/dev/block/253:0 links to
 * devices/virtual/block/dm-0, which has `size`, `dm/name` and `slaves/vda1` and `slaves/vdb`
 * linking to the slaves' directories (each with `dev` and `size`); a partition's directory
 * (vda/vda1) has `partition`, `start` and `size`. md devices have `md/` where dm ones have `dm/`
 * (Documentation/admin-guide/md.rst; not seen here: that kernel had no md either).
 */
describe.skipIf(process.getuid?.() !== 0)('device-mapper and md devices (a sysfs-like tree)', () => {
  interface Dev {
    dev: string;
    sectors: number;
    disk?: string;
    start?: number;
    slaves?: string[];
    kind?: 'dm' | 'md';
    /** A device-mapper device's table as `dmsetup table` prints it; none: it could not be read (not root). */
    table?: string;
  }
  const layout: Record<string, Dev> = {
    sdz: { dev: '8:240', sectors: 32768 },
    sdz1: { dev: '8:241', sectors: 4096, disk: 'sdz', start: 2048 },
    sdz2: { dev: '8:242', sectors: 4096, disk: 'sdz', start: 6144 },
    sdy: { dev: '8:224', sectors: 8192 },
    'dm-7': { dev: '253:77', sectors: 4096, slaves: ['sdz1'], kind: 'dm' },
    md9: { dev: '9:9', sectors: 8192, slaves: ['sdz2', 'sdy'], kind: 'md' },
    // Two logical volumes on one physical volume (sdz1), side by side; the first also on sdy.
    'dm-8': { dev: '253:78', sectors: 3072, slaves: ['sdz1', 'sdy'], kind: 'dm', table: '0 2048 linear 8:241 1024\n2048 1024 linear 8:224 0\n' },
    'dm-9': { dev: '253:79', sectors: 1024, slaves: ['sdz1'], kind: 'dm', table: '0 1024 linear 8:241 3072\n' },
    // A snapshot's origin as LVM makes it: all of sdz2, sector for sector.
    'dm-10': { dev: '253:80', sectors: 4096, slaves: ['sdz2'], kind: 'dm', table: '0 4096 snapshot-origin 8:242\n' },
    // All of sdz1 in one piece; in two pieces in order; in two pieces swapped.
    'dm-11': { dev: '253:81', sectors: 4096, slaves: ['sdz1'], kind: 'dm', table: '0 4096 linear 8:241 0\n' },
    'dm-12': { dev: '253:82', sectors: 4096, slaves: ['sdz1'], kind: 'dm', table: '0 1024 linear 8:241 0\n1024 3072 linear 8:241 1024\n' },
    'dm-13': { dev: '253:83', sectors: 4096, slaves: ['sdz1'], kind: 'dm', table: '0 3072 linear 8:241 1024\n3072 1024 linear 8:241 0\n' },
    // Targets that map sector for sector as linear does: dm-crypt (LUKS, its data from sector 4096 of sdy)
    // over the second half of sdy, delay over bytes 1..2 MiB of sdz1, and one not followed (striped).
    'dm-14': { dev: '253:84', sectors: 4096, slaves: ['sdy'], kind: 'dm', table: '0 4096 crypt aes-xts-plain64 :64:logon:cryptsetup:3f6e0c59-d1 0 8:224 4096 1 allow_discards\n' },
    'dm-15': { dev: '253:85', sectors: 2048, slaves: ['sdz1'], kind: 'dm', table: '0 2048 delay 8:241 2048 100\n' },
    'dm-16': { dev: '253:86', sectors: 4096, slaves: ['sdz2'], kind: 'dm', table: '0 4096 striped 1 128 8:242 0\n' },
    // Targets that map sector for sector but do not give back what is stored: flakey over bytes
    // 1..2 MiB of sdz1, dust over the first MiB of sdy, a delay that reads the first 0.5 MiB of sdz1
    // and writes bytes 3..3.5 MiB of sdy, and verity: its data the first MiB of sdz2, its hash tree on
    // sdy from hash block 7 (of 4096 bytes) on.
    'dm-17': { dev: '253:87', sectors: 2048, slaves: ['sdz1'], kind: 'dm', table: '0 2048 flakey 8:241 2048 60 0 1 drop_writes\n' },
    'dm-18': { dev: '253:88', sectors: 2048, slaves: ['sdy'], kind: 'dm', table: '0 2048 dust 8:224 0 512\n' },
    'dm-19': { dev: '253:89', sectors: 1024, slaves: ['sdz1', 'sdy'], kind: 'dm', table: '0 1024 delay 8:241 0 0 8:224 6144 50\n' },
    'dm-20': { dev: '253:90', sectors: 2048, slaves: ['sdz2', 'sdy'], kind: 'dm', table: `0 2048 verity 1 8:242 8:224 4096 4096 256 7 sha256 ${'ab'.repeat(32)} -\n` },
  };

  /** The sysfs-like tree and a node per device; returns the nodes by name and how to inspect them. */
  function fakeSysfs(): { node: Record<string, string>; inspect: (name: string) => ReturnType<typeof inspectTarget> } {
    const dir = tempDir();
    const sys = path.join(dir, 'sys');
    const dirOf = (name: string): string => {
      const d = layout[name]!;
      return d.disk ? path.join(dirOf(d.disk), name) : path.join(sys, 'devices/virtual/block', name);
    };
    fs.mkdirSync(path.join(sys, 'dev/block'), { recursive: true });
    const node: Record<string, string> = {};
    for (const [name, d] of Object.entries(layout)) {
      const at = dirOf(name);
      fs.mkdirSync(path.join(at, 'slaves'), { recursive: true });
      fs.writeFileSync(path.join(at, 'dev'), `${d.dev}\n`);
      fs.writeFileSync(path.join(at, 'size'), `${d.sectors}\n`);
      if (d.disk) {
        fs.writeFileSync(path.join(at, 'partition'), `${name.slice(-1)}\n`);
        fs.writeFileSync(path.join(at, 'start'), `${d.start}\n`);
      }
      for (const s of d.slaves ?? []) fs.symlinkSync(dirOf(s), path.join(at, 'slaves', s));
      if (d.kind) fs.mkdirSync(path.join(at, d.kind));
      fs.symlinkSync(at, path.join(sys, 'dev/block', d.dev));
      node[name] = path.join(dir, name);
      execFileSync('mknod', [node[name], 'b', ...d.dev.split(':')]);
    }
    const read = (rdev: number): BlockEntry | null => {
      const entry = readBlockEntry(rdev, sys);
      if (entry?.slaves?.kind === 'device-mapper') entry.slaves.table = layout[entry.name]!.table ?? null;
      return entry;
    };
    return { node, inspect: (name) => inspectTargetReading(node[name]!, read) };
  }

  const refusal = (out: ReturnType<typeof inspectTarget>, input: ReturnType<typeof inspectTarget>): string | null => {
    try {
      assertNotAnInput(out, [input]);
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('a mapped device over an input is that input, all of each slave counting: the disk under it too, the other partition not', () => {
    const { node, inspect } = fakeSysfs();
    const why = '(/dev/dm-7 is built on /dev/sdz1, and its device-mapper table could not be read: all of /dev/sdz1 counts)';
    expect(refusal(inspect('sdz'), inspect('dm-7'))).toBe(`refusing to write ${node.sdz}: its bytes 1..3 MiB are ${node['dm-7']}, an input of this command ${why}`);
    expect(refusal(inspect('sdz1'), inspect('dm-7'))).toBe(`refusing to write ${node.sdz1}: its bytes 0..2 MiB are ${node['dm-7']}, an input of this command ${why}`);
    expect(refusal(inspect('sdz2'), inspect('dm-7'))).toBeNull();
    // md over the other partition and a second disk: neither meets the device-mapper device.
    expect(refusal(inspect('md9'), inspect('dm-7'))).toBeNull();
    expect(refusal(inspect('sdy'), inspect('md9'))).toBe(
      `refusing to write ${node.sdy}: its bytes 0..4 MiB are ${node.md9}, an input of this command (/dev/md9 is built on /dev/sdy, and its RAID layout is not read: all of /dev/sdy counts)`,
    );
    expect(refusal(inspect('sdz1'), inspect('md9'))).toBeNull();
  });

  it('the reverse: an output that an input mapped device is built on, or that is built on an input', () => {
    const { node, inspect } = fakeSysfs();
    const why = '(/dev/dm-7 is built on /dev/sdz1, and its device-mapper table could not be read: all of /dev/sdz1 counts)';
    expect(refusal(inspect('dm-7'), inspect('sdz1'))).toBe(`refusing to write ${node['dm-7']}: it is bytes 0..2 MiB of ${node.sdz1}, an input of this command ${why}`);
    expect(refusal(inspect('dm-7'), inspect('sdz'))).toBe(`refusing to write ${node['dm-7']}: it is bytes 1..3 MiB of ${node.sdz}, an input of this command ${why}`);
    expect(refusal(inspect('md9'), inspect('sdz'))).toMatch(/^refusing to write .*md9: it is bytes 3\.\.5 MiB of .*sdz, an input of this command \(\/dev\/md9 is built on \/dev\/sdz2/);
    expect(refusal(inspect('dm-7'), inspect('sdz2'))).toBeNull();
  });

  it("a device-mapper device's linear table puts each piece on its bytes: two volumes side by side on one disk are two storages", () => {
    const { node, inspect } = fakeSysfs();
    // dm-8 is bytes 0.5..1.5 MiB of sdz1 (1.5..2.5 MiB of sdz), then the first 0.5 MiB of sdy; dm-9 bytes 1.5..2 MiB of sdz1.
    expect(refusal(inspect('dm-9'), inspect('dm-8'))).toBeNull();
    expect(refusal(inspect('sdz2'), inspect('dm-8'))).toBeNull();
    expect(refusal(inspect('sdz1'), inspect('dm-8'))).toBe(`refusing to write ${node.sdz1}: its bytes 512..1536 KiB are ${node['dm-8']}, an input of this command`);
    expect(refusal(inspect('sdz'), inspect('dm-9'))).toBe(`refusing to write ${node.sdz}: its bytes 2560..3072 KiB are ${node['dm-9']}, an input of this command`);
    expect(refusal(inspect('sdy'), inspect('dm-8'))).toBe(`refusing to write ${node.sdy}: its bytes 0..512 KiB are ${node['dm-8']}, an input of this command`);
    expect(refusal(inspect('dm-8'), inspect('dm-7'))).toBe(
      `refusing to write ${node['dm-8']}: bytes 512..1536 KiB of /dev/sdz1 are also ${node['dm-7']}, an input of this command (/dev/dm-7 is built on /dev/sdz1, and its device-mapper table could not be read: all of /dev/sdz1 counts)`,
    );
    // Any other target is not followed: all of what it is built on counts, saying which target.
    expect(refusal(inspect('sdz'), inspect('dm-16'))).toBe(
      `refusing to write ${node.sdz}: its bytes 3..5 MiB are ${node['dm-16']}, an input of this command (/dev/dm-16 is built on /dev/sdz2, and its device-mapper table (striped) maps no fixed bytes: all of /dev/sdz2 counts)`,
    );
  });

  it('crypt, delay and snapshot-origin pieces are followed as linear ones: each on its bytes beneath', () => {
    const { node, inspect } = fakeSysfs();
    // dm-14 stores its bytes encrypted in the second half of sdy (bytes 2..4 MiB); dm-8 uses its first 0.5 MiB.
    expect(refusal(inspect('sdy'), inspect('dm-14'))).toBe(`refusing to write ${node.sdy}: its bytes 2..4 MiB are ${node['dm-14']}, an input of this command`);
    expect(refusal(inspect('dm-8'), inspect('dm-14'))).toBeNull();
    expect(refusal(inspect('dm-14'), inspect('dm-8'))).toBeNull();
    // dm-15 is bytes 1..2 MiB of sdz1 (2..3 MiB of sdz): it meets dm-9 (1.5..2 MiB of sdz1), not dm-8's first piece (0.5..1.5 MiB).
    expect(refusal(inspect('dm-15'), inspect('dm-9'))).toBe(`refusing to write ${node['dm-15']}: bytes 1536..2048 KiB of /dev/sdz1 are also ${node['dm-9']}, an input of this command`);
    expect(refusal(inspect('dm-15'), inspect('dm-8'))).toBe(`refusing to write ${node['dm-15']}: bytes 1024..1536 KiB of /dev/sdz1 are also ${node['dm-8']}, an input of this command`);
    expect(refusal(inspect('sdz'), inspect('dm-10'))).toBe(`refusing to write ${node.sdz}: its bytes 3..5 MiB are ${node['dm-10']}, an input of this command`);
    expect(refusal(inspect('sdz1'), inspect('dm-10'))).toBeNull();
  });

  it('flakey, dust, delay over several devices and verity are followed: each device on the bytes it maps, none the same store', () => {
    const { node, inspect } = fakeSysfs();
    // dm-17 is bytes 1..2 MiB of sdz1, 2..3 MiB of sdz: it meets dm-9 (1.5..2 MiB of sdz1), not sdz2.
    expect(refusal(inspect('sdz'), inspect('dm-17'))).toBe(`refusing to write ${node.sdz}: its bytes 2..3 MiB are ${node['dm-17']}, an input of this command`);
    expect(refusal(inspect('dm-9'), inspect('dm-17'))).toBe(`refusing to write ${node['dm-9']}: bytes 1536..2048 KiB of /dev/sdz1 are also ${node['dm-17']}, an input of this command`);
    expect(refusal(inspect('sdz2'), inspect('dm-17'))).toBeNull();
    // dm-18 is the first MiB of sdy: not dm-14's bytes (2..4 MiB).
    expect(refusal(inspect('sdy'), inspect('dm-18'))).toBe(`refusing to write ${node.sdy}: its bytes 0..1 MiB are ${node['dm-18']}, an input of this command`);
    expect(refusal(inspect('dm-14'), inspect('dm-18'))).toBeNull();
    // dm-19 reads the first 0.5 MiB of sdz1 (1..1.5 MiB of sdz) and writes bytes 3..3.5 MiB of sdy.
    expect(refusal(inspect('sdz'), inspect('dm-19'))).toBe(`refusing to write ${node.sdz}: its bytes 1024..1536 KiB are ${node['dm-19']}, an input of this command`);
    expect(refusal(inspect('sdy'), inspect('dm-19'))).toBe(`refusing to write ${node.sdy}: its bytes 3072..3584 KiB are ${node['dm-19']}, an input of this command`);
    expect(refusal(inspect('dm-14'), inspect('dm-19'))).toBe(`refusing to write ${node['dm-14']}: bytes 3072..3584 KiB of /dev/sdy are also ${node['dm-19']}, an input of this command`);
    expect(refusal(inspect('dm-18'), inspect('dm-19'))).toBeNull();
    expect(refusal(inspect('dm-9'), inspect('dm-19'))).toBeNull();
    // dm-20 reads the first MiB of sdz2 (3..4 MiB of sdz), and its hash tree from byte 28672 of sdy to its end.
    expect(refusal(inspect('sdz'), inspect('dm-20'))).toBe(`refusing to write ${node.sdz}: its bytes 3..4 MiB are ${node['dm-20']}, an input of this command`);
    expect(refusal(inspect('sdz1'), inspect('dm-20'))).toBeNull();
    expect(refusal(inspect('dm-18'), inspect('dm-20'))).toBe(`refusing to write ${node['dm-18']}: bytes 28..1024 KiB of /dev/sdy are also ${node['dm-20']}, an input of this command`);
    // None of them gives back the bytes beneath as they are (faults, writes elsewhere, a hash tree besides): each is only itself.
    for (const [name, dev] of [['dm-17', 87], ['dm-18', 88], ['dm-19', 89], ['dm-20', 90]] as const) expect(bytesKey(inspect(name))).toBe(`b${(253 << 8) | dev}`);
  });

  it("a store's bytes key: linear pieces that are a partition's bytes in its order are that partition; swapped, or not mapped, they are not", () => {
    const { inspect } = fakeSysfs();
    const key = (name: string): string | null => bytesKey(inspect(name));
    // sdz1: bytes 1..3 MiB of sdz (8:240).
    expect(key('sdz1')).toBe(`b${(8 << 8) | 240}@${MiB}..${3 * MiB}`);
    expect(key('dm-11')).toBe(key('sdz1'));
    expect(key('dm-12')).toBe(key('sdz1'));
    expect(key('dm-13')).not.toBe(key('sdz1'));
    expect(sameStorage(inspect('dm-13'), inspect('sdz1'))).toBe(true);
    // dm-7's table is not read: it is only itself, though all of sdz1 counts for sharing.
    expect(key('dm-7')).toBe(`b${(253 << 8) | 77}`);
    expect(sameStorage(inspect('dm-7'), inspect('sdz1'))).toBe(true);
    // A snapshot's origin is the bytes of its device; an encrypted device is not the bytes it is stored in.
    expect(key('dm-10')).toBe(key('sdz2'));
    expect(key('dm-14')).toBe(`b${(253 << 8) | 84}`);
  });

  it('dmsetup tables as a real kernel prints them are read: linear pieces in bytes, other targets by name', () => {
    // `dmsetup table -j 253 -m 0` and `-m 1` under Linux 6.1 (kernel-oracle's qemu), for devices made with
    // --table "0 2048 linear /dev/vda1 1024\n2048 1024 linear /dev/vdb 0" and "0 2048 snapshot-origin /dev/vdb".
    expect(parseDmTable('0 2048 linear 254:1 1024\n2048 1024 linear 254:16 0\n')).toEqual({
      linear: [
        { start: 0, bytes: 2048 * 512, rdev: (254 << 8) | 1, offset: 1024 * 512 },
        { start: 2048 * 512, bytes: 1024 * 512, rdev: (254 << 8) | 16, offset: 0 },
      ],
    });
    expect(parseDmTable('0 2048 snapshot-origin 254:16\n')).toEqual({ linear: [{ start: 0, bytes: 2048 * 512, rdev: (254 << 8) | 16, offset: 0 }] });
    // cryptsetup's LUKS2 table, the key in the kernel keyring (dmsetup prints no key); a delay; a snapshot, not followed.
    expect(parseDmTable('0 2048 crypt aes-xts-plain64 :64:logon:cryptsetup:9f1c-d0 0 254:1 32768 1 allow_discards\n')).toEqual({
      linear: [{ start: 0, bytes: 2048 * 512, rdev: (254 << 8) | 1, offset: 32768 * 512, altered: true }],
    });
    expect(parseDmTable('0 1024 delay 254:1 8 500\n')).toEqual({ linear: [{ start: 0, bytes: 1024 * 512, rdev: (254 << 8) | 1, offset: 8 * 512 }] });
    // A delay that sends writes (and flushes) elsewhere: each device on its bytes, none giving back what the others store.
    expect(parseDmTable('0 1024 delay 254:1 8 500 254:16 0 100\n')).toEqual({
      linear: [
        { start: 0, bytes: 1024 * 512, rdev: (254 << 8) | 1, offset: 8 * 512, altered: true },
        { start: 0, bytes: 1024 * 512, rdev: (254 << 8) | 16, offset: 0, altered: true },
      ],
    });
    expect(parseDmTable('0 1024 delay 254:1 8 500 254:1 8 0 254:16 64 0\n')).toEqual({
      linear: [
        { start: 0, bytes: 1024 * 512, rdev: (254 << 8) | 1, offset: 8 * 512, altered: true },
        { start: 0, bytes: 1024 * 512, rdev: (254 << 8) | 16, offset: 64 * 512, altered: true },
      ],
    });
    expect(parseDmTable('0 1024 delay 254:1 8 500 254:1 8 0\n')).toEqual({ linear: [{ start: 0, bytes: 1024 * 512, rdev: (254 << 8) | 1, offset: 8 * 512 }] });
    // flakey (its features after the intervals) and dust map sector for sector from their offset, faults injected.
    expect(parseDmTable('0 2048 flakey 254:1 1024 0 60 1 drop_writes\n')).toEqual({ linear: [{ start: 0, bytes: 2048 * 512, rdev: (254 << 8) | 1, offset: 1024 * 512, altered: true }] });
    expect(parseDmTable('2048 2048 dust 254:16 8 512\n')).toEqual({ linear: [{ start: 2048 * 512, bytes: 2048 * 512, rdev: (254 << 8) | 16, offset: 8 * 512, altered: true }] });
    // verity (veritysetup's table, hash tree after the data on one device): its data from sector 0, its hash tree from its start block to the device's end.
    const digest = '5f'.repeat(32);
    expect(parseDmTable(`0 16384 verity 1 254:1 254:1 4096 4096 2048 2049 sha256 ${digest} ${'0a'.repeat(32)}\n`)).toEqual({
      linear: [
        { start: 0, bytes: 16384 * 512, rdev: (254 << 8) | 1, offset: 0, altered: true },
        { start: 0, bytes: 16384 * 512, rdev: (254 << 8) | 1, offset: 2049 * 4096, altered: true, toEnd: true },
      ],
    });
    // Forward error correction read from a third device: all of it counts.
    expect(parseDmTable(`0 2048 verity 1 254:1 254:16 4096 4096 256 1 sha256 ${digest} - 10 use_fec_from_device 254:32 fec_roots 2 fec_blocks 270 fec_start 0 ignore_zero_blocks\n`)).toEqual({
      linear: [
        { start: 0, bytes: 2048 * 512, rdev: (254 << 8) | 1, offset: 0, altered: true },
        { start: 0, bytes: 2048 * 512, rdev: (254 << 8) | 16, offset: 4096, altered: true, toEnd: true },
        { start: 0, bytes: 2048 * 512, rdev: (254 << 8) | 32, offset: 0, altered: true, toEnd: true },
      ],
    });
    // Lines too short for their target are not followed.
    expect(parseDmTable('0 2048 flakey 254:1\n')).toEqual({ targets: ['flakey'] });
    expect(parseDmTable('0 2048 verity 1 254:1 254:16 4096\n')).toEqual({ targets: ['verity'] });
    expect(parseDmTable('0 2048 snapshot 254:16 254:1 P 8\n')).toEqual({ targets: ['snapshot'] });
    expect(parseDmTable('0 2048 linear 254:1 1024\n2048 1024 striped 2 128 254:16 0 254:32 0\n')).toEqual({ targets: ['striped'] });
    for (const junk of ['', 'device-mapper: table ioctl on  (253:9) failed: No such device or address\n']) expect(parseDmTable(junk)).toBeNull();
  });

  it('a node of a device the kernel does not have is one clear error', () => {
    const { node, inspect } = fakeSysfs();
    execFileSync('mknod', [(node.gone = `${node.sdz}-gone`), 'b', '8', '250']);
    expect(() => inspect('gone')).toThrow(expect.objectContaining({ code: 'not-found', message: `${node.gone}: the kernel has no block device 8:250 (a device node left behind?)` }));
  });
});

it('overlapOf finds a shared byte exactly when a model of byte sets does', () => {
  // Extents over three storages of up to 64 bytes; the model is the set of (key, byte) pairs.
  const extent = fc.record({ key: fc.constantFrom('a', 'b', 'c'), start: fc.nat(63), length: fc.nat(8) }).map((e): Extent => ({ key: e.key, start: e.start, end: e.start + e.length, name: e.key, depth: 0 }));
  const stack = fc.array(extent, { minLength: 1, maxLength: 4 });
  fc.assert(
    fc.property(stack, stack, (a, b) => {
      const bytes = (s: Extent[]): Set<string> => new Set(s.flatMap((e) => Array.from({ length: e.end - e.start }, (_, i) => `${e.key}${e.start + i}`)));
      const [x, y] = [bytes(a), bytes(b)];
      const model = [...x].some((k) => y.has(k)) || a[0]!.key === b[0]!.key;
      const o = overlapOf(a, b);
      expect(o !== null).toBe(model);
      if (o && !(o.aOwn && o.bOwn)) {
        expect(o.a.key).toBe(o.b.key);
        for (let i = o.start; i < o.end; i++) expect(x.has(`${o.a.key}${i}`) && y.has(`${o.a.key}${i}`)).toBe(true);
      }
    }),
    { numRuns: 2000 },
  );
});
