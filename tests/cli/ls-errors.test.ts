import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, tempDir } from './cli.ts';

/** --json says "errors too": a store ls cannot read is in the JSON, not only on stderr. */
describe('ls --json over stores some of which fail', () => {
  it('lists the readable ones and names each failure with its code; exit is the worst code', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const cow = path.join(dir, 'shared.cow');
    const missing = path.join(dir, 'missing.cow');
    const notStore = path.join(dir, 'zeros');
    fs.writeFileSync(notStore, Buffer.alloc(65536));
    for (const argv of [['ls', '--json'], ['ls', '--reportformat', 'json']]) {
      const r = cli(...argv, cow, missing, notStore);
      expect(r.code).toBe(3);
      const j = JSON.parse(r.stdout);
      expect(j.snapshots).toHaveLength(4);
      expect(j.errors).toEqual([
        { cow: missing, error: { code: 'not-found', message: expect.stringContaining('no such file'), where: expect.any(Object) } },
        { cow: notStore, error: { code: 'not-a-store', message: expect.stringContaining('not a snapshot exception store'), where: expect.any(Object) } },
      ]);
      // People still read them on stderr.
      expect(r.stderr.trim().split('\n')).toHaveLength(2);
    }
    // No failure: no errors key.
    expect(cliJson('ls', cow).value).not.toHaveProperty('errors');
  });
});
