import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { tempDir } from './cli.ts';
import { dryRunOntoTarget } from './dry-run-target.ts';
import { sharedVolume } from './safety-fixtures.ts';

// `repair --out F --dry-run` onto an F that exists refuses as the run does when the run opens F for
// writing (restore's dry run had this gap, dry-run-restore-new.test.ts): held by a reader or writer
// of ours, by flock(1) or another program's lock. Before, the dry run checked only planOutput's
// rules (an input as the target) and said "--out would replace ..." with exit 0.

// A store and an existing --out beside it (zeros, or data: then the run needs --force), or the target given.
dryRunOntoTarget(
  'repair --out',
  (data, target) => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const out = target ?? path.join(dir, 'repaired.cow');
    if (!target) fs.writeFileSync(out, Buffer.alloc(fs.statSync(cow).size, data ? 0x5a : 0));
    return { argv: ['repair', cow, '--out', out, ...(data ? ['--force'] : [])], target: out, files: [cow, out] };
  },
  (r, stdout) => expect(stdout).toContain(`--out would overwrite ${r.target}`),
);
