import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, oneLine, sha256, tempDir, writeOrigin } from './cli.ts';

const CB = 4096;

describe('snapscope CLI on a shared store', () => {
  it('format, snapshot create/list/rename/delete, write, read, tree, info round trip', () => {
    const dir = tempDir();
    const [origin, cow] = [path.join(dir, 'origin.img'), path.join(dir, 's.cow')];
    writeOrigin(origin, 1 << 20, CB);
    const pristine = fs.readFileSync(origin);
    expect(cli('format', cow, '--kind', 'shared', '--chunk-size', '4k', '--size', '4M').code).toBe(0);
    expect(fs.statSync(cow).size).toBe(4 << 20);
    const again = cli('format', cow, '--kind', 'shared', '--size', '4M');
    expect(again.code).toBe(2);
    expect(oneLine(again)).toContain('--force');

    expect(cliJson('snapshot', 'create', cow, '--name', 'before').value).toMatchObject({ slot: 0, name: 'before' });
    expect(cliJson('snapshot', 'create', cow, '--slot', '7').value).toMatchObject({ slot: 7 });
    expect(cli('write', cow, '--origin', origin, '-s', 'origin', '--chunk', '3', '--fill', '0xaa').code).toBe(0);
    expect(cli('write', cow, '--origin', origin, '-s', 'before', '--chunk', '5', '--fill', '9', '--offset', '100').code).toBe(0);
    fs.writeFileSync(path.join(dir, 'data'), Buffer.alloc(CB + 10, 0x42));
    expect(cli('write', cow, '--origin', origin, '-s', '7', '--chunk', '10', '--data-file', path.join(dir, 'data')).code).toBe(0);

    const list = cliJson('snapshot', 'list', cow).value.snapshots;
    expect(list.map((s: { slot: number }) => s.slot)).toEqual([0, 7]);
    for (const s of list) expect(Object.keys(s)).toEqual(expect.arrayContaining(['slot', 'name', 'uuid', 'created', 'exceptions']));
    expect(list[0].exceptions).toBe(2); // chunk 3 (shared with 7) and chunk 5 (own)
    const info = cliJson('info', cow).value;
    expect(info).toMatchObject({ format: 'shared', exceptions: 4, chunkBytes: CB });
    expect(Number.isInteger(info.exceptions)).toBe(true);

    // Views: origin has the write; 'before' has the old chunk 3 and its own chunk 5.
    const out = path.join(dir, 'view.img');
    expect(cli('read', cow, '--origin', origin, '-s', 'before', '--out', out).code).toBe(0);
    const view = fs.readFileSync(out);
    const expected = Buffer.from(pristine);
    expected.fill(9, 5 * CB + 100, 6 * CB);
    expect(view.equals(expected)).toBe(true);
    expect(cli('read', cow, '--origin', origin, '-s', '7', '--chunk', '11', '--out', out, '--force').code).toBe(0); // replaces the view read above
    expect(fs.readFileSync(out)).toEqual(Buffer.concat([Buffer.alloc(10, 0x42), pristine.subarray(11 * CB + 10, 12 * CB)]));
    expect(cli('read', cow, '--origin', origin, '-s', 'origin', '--chunk', '3', '--out', out, '--force').code).toBe(0);
    expect(fs.readFileSync(out)).toEqual(Buffer.alloc(CB, 0xaa));

    const tree = cliJson('tree', cow).value;
    expect(tree.tree.kind).toBe('node');
    const leaf = tree.tree.entries[0].child;
    expect(leaf.origins.find((o: { origin: number }) => o.origin === 3).exceptions[0]).toMatchObject({ slots: [0, 7], share: '0x0000000000000081' });

    expect(cli('snapshot', 'rename', cow, '-s', '7', '--name', 'later').code).toBe(0);
    const hash = sha256(cow);
    const dry = cliJson('snapshot', 'delete', cow, '-s', 'later', '--dry-run');
    expect(dry.value).toMatchObject({ dryRun: true, freedChunks: 2 }); // chunks 10 and 11, its own
    expect(sha256(cow)).toBe(hash);
    expect(cli('snapshot', 'delete', cow, '-s', 'later').code).toBe(0);
    const missing = cli('snapshot', 'delete', cow, '-s', 'later');
    expect(missing.code).toBe(1);
    expect(oneLine(missing)).toContain('no snapshot named "later"');
    expect(cliJson('info', cow).value.snapshots.map((s: { name: string }) => s.name)).toEqual(['before']);
  });

  it('read writes a sparse image: all-zero chunks are holes', () => {
    const dir = tempDir();
    const [origin, cow, out] = [path.join(dir, 'o'), path.join(dir, 'c'), path.join(dir, 'v')];
    fs.writeFileSync(origin, Buffer.alloc(8 << 20));
    expect(cli('format', cow, '--kind', 'shared', '--size', '1M').code).toBe(0);
    expect(cli('read', cow, '--origin', origin, '-s', 'origin', '--out', out).code).toBe(0);
    const st = fs.statSync(out);
    expect(st.size).toBe(8 << 20);
    expect(st.blocks * 512).toBeLessThan(1 << 20);
  });

  it('replay runs a script, names the failing line, and works like the same commands', () => {
    const dir = tempDir();
    const [origin, cow, script] = [path.join(dir, 'o'), path.join(dir, 'c'), path.join(dir, 'script')];
    writeOrigin(origin, 256 * 1024, 1024);
    expect(cli('format', cow, '--kind', 'shared', '--chunk-size', '1k', '--size', '1M').code).toBe(0);
    fs.writeFileSync(script, ['# a comment', 'snap-create one', 'origin-write 1 0x11', 'commit', 'snap-create two  # trailing', 'origin-write 1 0x22', 'snap-write one 2 7', 'snap-create', 'snap-delete snapshot-2', ''].join('\n'));
    const r = cliJson('replay', cow, '--origin', origin, '--script', script);
    expect(r.code).toBe(0);
    expect(r.value).toMatchObject({ operations: 8, snapshots: 2, exceptions: 3 });
    expect(fs.readFileSync(origin).subarray(1024, 2048)).toEqual(Buffer.alloc(1024, 0x22));

    fs.writeFileSync(script, 'snap-create three\norigin-write 999999 1\n');
    const bad = cli('replay', cow, '--origin', origin, '--script', script);
    expect(bad.code).toBe(1);
    expect(oneLine(bad)).toMatch(/script:2: origin-write: origin chunk 999999 is past the end of the origin/);
    fs.writeFileSync(script, 'snap-create\nsnap-write\n');
    const syntax = cliJson('replay', cow, '--origin', origin, '--script', script);
    expect(syntax.code).toBe(2);
    expect(syntax.value.error.message).toMatch(/script:2: 'snap-write' takes 3 arguments, got 0/);
  });

  it('demo is deterministic and shows splits, levels and sharing', () => {
    const [a, b] = [tempDir(), tempDir()];
    const first = cliJson('demo', a);
    expect(first.code).toBe(0);
    expect(cli('demo', b).code).toBe(0);
    for (const f of ['origin.img', 'shared.cow']) expect(sha256(path.join(a, f))).toBe(sha256(path.join(b, f)));
    expect(cli('demo', a).code).toBe(2); // exists, no --force
    const info = cliJson('info', path.join(a, 'shared.cow')).value;
    expect(info.tree.levels).toBeGreaterThanOrEqual(2);
    expect(info.tree.leaves).toBeGreaterThan(10);
    expect(info.snapshots.map((s: { name: string }) => s.name)).toEqual(['base', 'nightly', 'before-upgrade', 'after-upgrade']);
    expect(info.snapshots.every((s: { shared: number; unique: number }) => s.shared > 0 && s.unique > 0)).toBe(true);
    expect(fs.readFileSync(path.join(a, 'origin.img'), 'latin1').slice(512 * 2047, 512 * 2047 + 18)).toMatch(/^origin chunk 2047/);
  });
});
