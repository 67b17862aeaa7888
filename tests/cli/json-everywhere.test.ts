import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './cli.ts';

/** --json: "machine-readable output (errors too)": stdout is one JSON document whatever happens. */
describe('--json where the output was not JSON', () => {
  it('a command group without its subcommand: a usage error in JSON, naming the subcommands', () => {
    const r = cli('snapshot', '--json');
    expect(r.code).toBe(2);
    const j = JSON.parse(r.stdout);
    expect(j.error.code).toBe('usage');
    expect(j.error.message).toMatch(/snapshot needs a subcommand: list, create, delete, rename/);
  });

  it('check -q --json: the report (-q stops progress, as in every other command), and its exit code', () => {
    const dir = tempDir();
    expect(cli('demo', dir).code).toBe(0);
    const r = cli('check', path.join(dir, 'shared.cow'), '-q', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).errors).toBe(0);
    const missing = cli('check', path.join(dir, 'nope'), '-q', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).error.code).toBe('not-found');
  });
});
