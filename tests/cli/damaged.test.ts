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

/** A persistent COW with exceptions for origin chunks 5, 6, 7 whose second table entry is damaged. */
function damagedPersistent(dir: string): string {
  const [cow, origin] = [path.join(dir, 'p.cow'), path.join(dir, 'origin.img')];
  fs.writeFileSync(origin, Buffer.alloc(1 << 20));
  expect(cli('format', cow, '--kind', 'persistent', '--size', '1M', '--chunk-size', '4k').code).toBe(0);
  for (const chunk of [5, 6, 7]) expect(cli('write', cow, '--origin', origin, '-s', 'origin', '--chunk', chunk, '--fill', chunk).code).toBe(0);
  // Entry 1 of the first area (chunk 1): its new_chunk past the end of the COW.
  const fd = fs.openSync(cow, 'r+');
  const bad = Buffer.alloc(8);
  bad.writeBigUInt64LE(1n << 40n);
  fs.writeSync(fd, bad, 0, 8, 4096 + 16 + 8);
  fs.closeSync(fd);
  return cow;
}

/** The demo's shared store with its root pointer (root_tree_chunk, offset 20) flipped: no leaf can be reached (issue 13). */
function demoWithBadRoot(dir: string): string {
  expect(cli('demo', dir).code).toBe(0);
  const cow = path.join(dir, 'shared.cow');
  const fd = fs.openSync(cow, 'r+');
  fs.writeSync(fd, Buffer.from([0x99]), 0, 1, 20);
  fs.closeSync(fd);
  return cow;
}

describe('a damaged store', () => {
  it('info and snapshot list still show it; read proves what it can and names the rest', () => {
    const f = damagedStore(tempDir());
    const info = cli('info', f.cow);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/snapshots \(2\):/);
    expect(info.stdout).toMatch(/tree damaged: 1 error and \d+ warnings? found, run snapscope check/);
    const list = cliJson('snapshot', 'list', f.cow);
    expect(list.value.snapshots.map((s: { name: string }) => s.name)).toEqual(['s0', 's1']);
    expect(list.stderr).toMatch(/tree damaged/);

    // Chunk 30 lies under an intact leaf: it reads (slot 0 copied the origin's first contents, zeros).
    expect(cli('read', f.cow, '--origin', f.origin, '-s', 's1', '--chunk', '30', '--out', f.out).code).toBe(0);
    expect(fs.readFileSync(f.out)).toEqual(Buffer.alloc(CB, 1));
    // Chunk 1500 lies under the broken leaf: refused, naming it; nothing written.
    fs.rmSync(f.out);
    const refused = cli('read', f.cow, '--origin', f.origin, '-s', 's1', '--chunk', '1500', '--out', f.out);
    expect(refused.code).toBe(1);
    expect(oneLine(refused)).toContain("snapshot 1's mapping of origin chunk 1500 cannot be proven");
    expect(fs.existsSync(f.out)).toBe(false);
    const whole = cli('read', f.cow, '--origin', f.origin, '-s', 's1', '--out', f.out);
    expect(whole.code).toBe(1);
    expect(oneLine(whole)).toMatch(/origin chunks [\d, ]+1500[\d, ]* and \d+ more cannot be proven|origin chunks [\d, ]*1500/);
    expect(fs.existsSync(f.out)).toBe(false);
    // --forensic: forensic read, the origin where the mapping cannot be proven, with a warning.
    const forced = cliJson('read', f.cow, '--origin', f.origin, '-s', 's1', '--out', f.out, '--forensic');
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
    const refused = cli('read', fixed, '--origin', f.origin, '-s', slot, '--chunk', '1500', '--out', f.out);
    expect(refused.code).toBe(1);
    expect(oneLine(refused)).toMatch(/lost \d+ origin chunks in a repair.*use --forensic/);
    expect(cli('read', fixed, '--origin', f.origin, '-s', slot, '--chunk', '1500', '--out', f.out, '--forensic').code).toBe(0);
    expect(cliJson('snapshot', 'list', fixed).value.snapshots.find((s: { slot: number }) => s.slot === Number(slot)).lost).toBe(marked[0].lost);
  });

  it('info and snapshot list mark every snapshot of a tree they cannot walk, never a count of 0', () => {
    const cow = demoWithBadRoot(tempDir());
    const names = ['base', 'nightly', 'before-upgrade', 'after-upgrade'];
    const rowsOf = (lines: string[]) => lines.filter((l) => names.some((n) => new RegExp(`^\\s*\\d+\\s+${n}\\s`).test(l)));
    for (const args of [['info', cow], ['snapshot', 'list', cow]]) {
      const r = cli(...args);
      expect(r.code).toBe(0);
      const lines = r.stdout.split('\n');
      const header = lines.find((l) => /\bslot\s+name\b/.test(l))!;
      expect(header).toMatch(/exceptions\s+unique\s+shared\s+mark$/);
      const rows = rowsOf(lines);
      expect(rows).toHaveLength(4);
      for (const row of rows) {
        // The counts are unknown, not zero, and each row says why.
        expect(row).toMatch(/Z\s+\?\s+\?\s+\?\s+damaged$/);
      }
      expect(lines.some((l) => /^\s*\? damaged: .*run snapscope check/.test(l))).toBe(true);
    }
    // info's own count is no 0 either.
    const info = cli('info', cow).stdout;
    expect(info).toMatch(/^ {2}exceptions {4}\? \(0 proven; metadata damaged\)$/m);
    expect(info).toMatch(/^ {2}tree {10}2 levels, 0 nodes, 0 leaves readable \(metadata damaged\)$/m);
    // JSON is unchanged: the proven counts and `damaged: true`.
    const json = cliJson('snapshot', 'list', cow).value;
    expect(json.snapshots.map((s: { exceptions: number; damaged: boolean }) => [s.exceptions, s.damaged])).toEqual(names.map(() => [0, true]));
  });

  it('a persistent COW with a damaged table is marked the same way', () => {
    const cow = damagedPersistent(tempDir());
    const lines = cli('snapshot', 'list', cow).stdout.split('\n');
    expect(lines[0]).toMatch(/shared\s+mark$/);
    expect(lines[1]).toMatch(/^0\s+snap\s.*\s\?\s+\?\s+\?\s+damaged$/);
    // The store's total counts what the snapshot's count counts (the whole entries), and says how
    // many entries it rejected as damaged (issue 13 review: it said 3 against the snapshot's 2).
    expect(cli('info', cow).stdout).toMatch(/^ {2}exceptions {4}\? \(2 proven, 1 table entry rejected as damaged; metadata damaged\)$/m);
    const info = cliJson('info', cow).value;
    expect(info.exceptions).toBe(2);
    expect(info.snapshots[0].exceptions).toBe(2);
    expect(info.damage.rejected).toBe(1);
  });

  it('a snapshot a repair could not wholly recover says how many chunks it lost', () => {
    const dir = tempDir();
    const f = damagedStore(dir);
    const fixed = path.join(dir, 'fixed');
    const marked = cliJson('repair', f.cow, '--out', fixed).value.snapshots.filter((s: { damaged: boolean }) => s.damaged);
    expect(marked.length).toBeGreaterThan(0);
    const lines = cli('snapshot', 'list', fixed).stdout.split('\n');
    expect(lines[0]).toMatch(/shared\s+mark$/);
    for (const m of marked) {
      const row = lines.find((l) => new RegExp(`^${m.slot}\\s+s${m.slot}\\s`).test(l))!;
      expect(row).toMatch(new RegExp(`\\s${m.lost} chunks? lost$`));
    }
    expect(lines.some((l) => /^chunks lost: .*--forensic/.test(l))).toBe(true);
  });

  it('ls lists a damaged store with its damage instead of refusing it, and exits as info does', () => {
    const dir = tempDir();
    for (const sub of ['a', 'b']) fs.mkdirSync(path.join(dir, sub));
    const persistent = damagedPersistent(path.join(dir, 'a'));
    const shared = demoWithBadRoot(path.join(dir, 'b'));
    expect(cli('info', shared).code).toBe(0);
    const r = cli('ls', '-o', 'cow,name,exceptions,bytes,state', shared, persistent);
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').filter(Boolean);
    expect(rows[0]).toMatch(/^COW +Name +Exceptions +Size +State$/);
    // Counts the walk cannot vouch for are "?", as in info and snapshot list, never a 0 that reads as "empty".
    expect(rows.slice(1).map((l) => l.split(/\s+/).slice(1))).toEqual([
      ['snap', '?', '?', 'damaged'],
      ...['base', 'nightly', 'before-upgrade', 'after-upgrade'].map((n) => [n, '?', '?', 'damaged']),
    ]);
    // The damage of each store goes to stderr, naming the store; stdout stays the report.
    expect(r.stderr).toContain(`warning: ${shared}: tree damaged:`);
    expect(r.stderr).toContain(`warning: ${persistent}: table damaged:`);
    // JSON gives what could be proven, as snapshot list does.
    const json = cliJson('ls', '-o', 'name,exceptions,state', persistent);
    expect(json.code).toBe(0);
    expect(json.value.snapshots).toEqual([{ name: 'snap', exceptions: 2, state: 'damaged' }]);
  });
});
