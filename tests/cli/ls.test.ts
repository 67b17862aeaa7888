import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, oneLine, tempDir } from './cli.ts';
import { JSON_SCHEMA } from '../../src-main/cli/json.ts';

describe('snapscope ls / status: a report like lvs', () => {
  it('fields, sort, units, separators, headings, JSON, many stores, unknown fields', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const cow = path.join(dir, 'shared.cow');
    const persistent = path.join(dir, 'p.cow');
    expect(cli('format', persistent, '--kind', 'persistent', '--size', '1M').code).toBe(0);

    const table = cli('ls', cow).stdout.split('\n').filter(Boolean);
    expect(table[0]).toMatch(/^COW +Name +Slot +Created +Exceptions +Size +Snap% +State$/);
    expect(table.slice(1).map((l) => l.split(/\s+/)[1])).toEqual(['base', 'nightly', 'before-upgrade', 'after-upgrade']);

    const byBytes = cli('ls', '-o', 'name,exceptions,bytes', '--sort', '-bytes', '--units', 'b', '--nosuffix', '--noheadings', '--separator', ':', cow).stdout.trim().split('\n');
    expect(byBytes).toEqual(['base:529:270848', 'nightly:402:205824', 'before-upgrade:276:141312', 'after-upgrade:58:29696']);
    expect(cli('ls', '-o', 'name,bytes', '--units', 'k', '--noheadings', '--separator', ' ', cow).stdout.split('\n')[0]).toBe('base 264.50k');
    expect(cli('ls', '-o', '+uuid', '--noheadings', cow).stdout.split('\n')[0]).toMatch(/ valid +3ddc94d8-9b25-48b1-bfe5-f7ca5cbfba4b$/);

    const both = cliJson('status', '-o', 'cow,name,slot,percent,state,format', cow, persistent).value;
    expect(both.schema).toBe(JSON_SCHEMA);
    expect(both.snapshots).toHaveLength(5);
    // Sorted by COW, then slot: p.cow before shared.cow.
    expect(both.snapshots[0]).toEqual({ cow: persistent, name: 'snap', slot: 0, percent: expect.any(Number), state: 'valid', format: 'persistent' });
    expect(both.snapshots[1].percent).toBeCloseTo(16.43, 2);
    expect(JSON.parse(cli('ls', '--reportformat', 'json', '-o', 'name', cow).stdout).snapshots[0]).toEqual({ name: 'base' });

    const bad = cli('ls', '-o', 'nmae', cow);
    expect(bad.code).toBe(2);
    expect(oneLine(bad)).toContain("unknown field 'nmae'; did you mean name?");
    const missing = cli('ls', path.join(dir, 'missing'), cow);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('before-upgrade');
    fs.writeFileSync(path.join(dir, 'zeros'), Buffer.alloc(8192));
    expect(cli('ls', path.join(dir, 'zeros')).code).toBe(3);
  });
});
