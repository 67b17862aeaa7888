import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { cli, tempDir } from './cli.ts';
import { dryRunOntoTarget } from './dry-run-target.ts';
import { sharedVolume } from './safety-fixtures.ts';

// `restore --dry-run` onto a new target that exists (an image or device holding no store, written
// with --data-from) is refused as its run would be when the run opens that target for writing: held
// by a reader or writer of ours, by flock(1) or another program's lock, in use, read-only. Before,
// it looked only for other programs' locks, and only on a target holding data.

// A store, its dump, and an existing target beside them (zeros, or data: written with --force), or the target given.
dryRunOntoTarget('restore --data-from', (data, target) => {
  const dir = tempDir();
  const { cow } = sharedVolume(dir);
  const dump = path.join(dir, 'dump.json');
  expect(cli('dump', cow, '--out', dump).code).toBe(0);
  const out = target ?? path.join(dir, 'new.img');
  if (!target) fs.writeFileSync(out, Buffer.alloc(fs.statSync(cow).size, data ? 0x5a : 0));
  return { argv: ['restore', out, '--dump', dump, '--data-from', cow, ...(data ? ['--force'] : [])], target: out, files: [cow, dump, out] };
});
