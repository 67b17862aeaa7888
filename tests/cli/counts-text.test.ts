/**
 * Counts in text say their noun in the number's form: "1 error", "1 exception", never "1 errors"
 * (src-main/cli/plural.ts). A store with one of each is made, and what every command prints on it
 * is read for a 1 followed by a plural.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { cli, tempDir } from './cli.ts';

const CB = 512;

/** "1 errors", "1 exceptions", "1 leaves": a count of one with a plural noun after it. */
const ONE_PLURAL = /(?<![\d.])1 (?:origin |metadata |table |tree |data )?(errors|warnings|exceptions|chunks|nodes|leaves|entries|areas|snapshots|bytes|levels|runs)\b/;

/** One snapshot with one exception in a one-leaf tree, whose leaf magic is then broken: one error. */
function oneOfEach(dir: string): { cow: string; origin: string } {
  const cow = new MemoryDevice(CB * 256, 'cow');
  const origin = new MemoryDevice(CB * 64, 'origin');
  const store = SharedStore.format(cow, { chunkBytes: CB });
  store.createSnapshot({ name: 'only' });
  store.writeOrigin(origin, 5, new Uint8Array(CB).fill(9));
  store.commit();
  const leaf = store.pathTo(5).at(-1)!;
  store.close();
  const files = { cow: path.join(dir, 'cow'), origin: path.join(dir, 'origin') };
  fs.writeFileSync(files.origin, origin.bytes);
  fs.writeFileSync(path.join(dir, 'healthy'), cow.bytes);
  new DataView(cow.bytes.buffer).setUint16(leaf * CB, 0xbeef, true);
  fs.writeFileSync(files.cow, cow.bytes);
  return files;
}

describe('counts of one', () => {
  it('dump, repair, check, stats, info, snapshot list and read say "1 error", "1 exception", "1 leaf"', () => {
    const dir = tempDir();
    const f = oneOfEach(dir);
    const healthy = path.join(dir, 'healthy');
    const runs = {
      dump: cli('dump', f.cow, '--out', path.join(dir, 'd.json')),
      repair: cli('repair', f.cow, '--out', path.join(dir, 'fixed')),
      check: cli('check', f.cow),
      stats: cli('stats', healthy),
      info: cli('info', healthy),
      list: cli('snapshot', 'list', path.join(dir, 'fixed')),
      read: cli('read', f.cow, '--origin', f.origin, '-s', 'only', '--chunk', 5, '--out', path.join(dir, 'c5')),
      tree: cli('tree', healthy),
    };
    expect(runs.dump.stderr).toMatch(/has 1 error;/);
    expect(runs.repair.stdout).toMatch(/^1 error, /);
    expect(runs.read.stderr).toMatch(/mapping of 1 origin chunk \(5\)|mapping of origin chunk 5 /);
    for (const [name, r] of Object.entries(runs)) expect(`${r.stdout}\n${r.stderr}`, name).not.toMatch(ONE_PLURAL);
  });
});
