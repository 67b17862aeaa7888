/**
 * A damaged store degrades instead of going dark: info and snapshot list still show it (with a
 * "tree damaged" note), `read --from S` reads the chunks whose mapping the tree still proves and
 * names the others (writing nothing), `--force` reads the origin there with a warning; a snapshot a
 * repair marked damaged is refused without --force. `tree` streams the same tree the old builder
 * printed (checked against a stored rendering in tests/cli/shared.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { cli, cliJson, oneLine, tempDir } from './cli.ts';

const CB = 512;

/** Two snapshots over a two-level tree; origin chunks 0, 3, 6, ... copied; one leaf's magic broken. */
function damagedStore(dir: string) {
  const cow = new MemoryDevice(CB * 4096, 'cow');
  const origin = new MemoryDevice(CB * 2400, 'origin');
  const store = SharedStore.format(cow, { chunkBytes: CB });
  for (let s = 0; s < 2; s++) {
    store.createSnapshot({ name: `s${s}` });
    for (let c = 0; c < 2400; c += 3) store.writeOrigin(origin, c, new Uint8Array(CB).fill(s + 1));
    store.commit();
  }
  const bad = store.pathTo(1500).at(-1)!;
  const good = store.pathTo(30).at(-1)!;
  expect(bad).not.toBe(good);
  store.close();
  new DataView(cow.bytes.buffer).setUint16(bad * CB, 0xbeef, true);
  const files = { cow: path.join(dir, 'cow'), origin: path.join(dir, 'origin'), out: path.join(dir, 'out') };
  fs.writeFileSync(files.cow, cow.bytes);
  fs.writeFileSync(files.origin, origin.bytes);
  return files;
}

describe('a damaged store', () => {
  it('info and snapshot list still show it; read proves what it can and names the rest', () => {
    const f = damagedStore(tempDir());
    const info = cli('info', f.cow);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/snapshots \(2\):/);
    expect(info.stdout).toMatch(/tree damaged: 1 error and \d+ warnings? found, run snapscope check/);
    const list = cliJson('snapshot', 'list', f.cow);
    expect(list.value.map((s: { name: string }) => s.name)).toEqual(['s0', 's1']);
    expect(list.stderr).toMatch(/tree damaged/);

    // Chunk 30 lies under an intact leaf: it reads (slot 0 copied the origin's first contents, zeros).
    expect(cli('read', f.origin, f.cow, '--from', 's1', '--chunk', '30', '--out', f.out).code).toBe(0);
    expect(fs.readFileSync(f.out)).toEqual(Buffer.alloc(CB, 1));
    // Chunk 1500 lies under the broken leaf: refused, naming it; nothing written.
    fs.rmSync(f.out);
    const refused = cli('read', f.origin, f.cow, '--from', 's1', '--chunk', '1500', '--out', f.out);
    expect(refused.code).toBe(1);
    expect(oneLine(refused)).toContain("snapshot 1's mapping of origin chunk 1500 cannot be proven");
    expect(fs.existsSync(f.out)).toBe(false);
    const whole = cli('read', f.origin, f.cow, '--from', 's1', '--out', f.out);
    expect(whole.code).toBe(1);
    expect(oneLine(whole)).toMatch(/origin chunks [\d, ]+1500[\d, ]* and \d+ more cannot be proven|origin chunks [\d, ]*1500/);
    expect(fs.existsSync(f.out)).toBe(false);
    // --forensic: forensic read, the origin where the mapping cannot be proven, with a warning.
    const forced = cliJson('read', f.origin, f.cow, '--from', 's1', '--out', f.out, '--forensic');
    expect(forced.code).toBe(0);
    expect(forced.value.unproven).toContain(1500);
    expect(forced.stderr).toMatch(/warning: read the origin for origin chunks/);
  });

  it('a snapshot a repair marked damaged reads only with --forensic', () => {
    const dir = tempDir();
    const f = damagedStore(dir);
    const fixed = path.join(dir, 'fixed');
    const repair = cliJson('repair', f.cow, '--out', fixed);
    expect(repair.code).toBe(0);
    const marked = repair.value.snapshots.filter((s: { damaged: boolean }) => s.damaged);
    expect(marked.length).toBeGreaterThan(0);
    expect(cli('check', fixed).code).toBe(0);
    const slot = String(marked[0].slot);
    const refused = cli('read', f.origin, fixed, '--from', slot, '--chunk', '1500', '--out', f.out);
    expect(refused.code).toBe(1);
    expect(oneLine(refused)).toMatch(/lost \d+ origin chunks in a repair.*use --forensic/);
    expect(cli('read', f.origin, fixed, '--from', slot, '--chunk', '1500', '--out', f.out, '--forensic').code).toBe(0);
    expect(cliJson('snapshot', 'list', fixed).value.find((s: { slot: number }) => s.slot === Number(slot)).lost).toBe(marked[0].lost);
  });
});
