import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAll } from '../../src-main/cli/commands/index.ts';
import { cli, tempDir } from './cli.ts';

/**
 * Every help example on the demo store (/tmp/demo) runs as written on a fresh demo, each on its
 * own copy: an example that fails on the store it names teaches the wrong thing.
 */
describe('help examples on the demo store', () => {
  it('each runs with exit 0 on a fresh copy of the demo', async () => {
    const base = tempDir();
    expect(cli('demo', base).code).toBe(0);
    const examples = (await loadAll()).flatMap((c) => c.examples.map(([line]) => line)).filter((l) => l.includes('/tmp/demo/') && !l.includes('--live') && !/^(serve|watch) /.test(l));
    expect(examples.length).toBeGreaterThan(10);
    const failed: string[] = [];
    for (const line of examples) {
      const dir = tempDir();
      const demo = path.join(dir, 'demo');
      fs.mkdirSync(demo);
      for (const f of ['origin.img', 'shared.cow']) fs.copyFileSync(path.join(base, f), path.join(demo, f));
      // The files examples name besides the demo's.
      fs.writeFileSync(path.join(dir, 'boot.bin'), Buffer.alloc(1000, 7));
      fs.writeFileSync(path.join(dir, 'ops.txt'), 'snap-create s1\norigin-write 0 0xee\ncommit\n');
      const argv = line.split('|')[0]!.trim().split(/\s+/).map((w) => w.replaceAll('/tmp/demo/', `${demo}/`).replace(/^(boot\.bin|ops\.txt|[\w-]+\.(img|bin))$/, (f) => path.join(dir, f)));
      const r = cli(...argv);
      if (r.code !== 0) failed.push(`${line}: exit ${r.code}: ${r.stderr.trim()}`);
    }
    expect(failed).toEqual([]);
  });
});
