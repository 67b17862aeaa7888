import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedDocs } from '../../src-main/cli/generated-docs.ts';
import { ROOT_DIR } from './cli.ts';

const docs = await generatedDocs();
const commands = [...docs.keys()].filter((f) => /^man\/snapscope-.*\.1$/.test(f));
const groff = spawnSync('groff', ['--version']).status === 0;

/** `snapscope <words> --help` from the real CLI, as a user sees it. */
function help(words: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT_DIR, 'bin/snapscope.mjs'), ...words, '--help'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${words.join(' ')} --help exited ${code}`))));
  });
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

describe('man pages and completion scripts', () => {
  it('the committed man/ and completion/ files are what the descriptors generate (npm run man)', () => {
    for (const [file, content] of docs) expect(fs.readFileSync(path.join(ROOT_DIR, file), 'utf8'), `${file} is stale: run npm run man`).toBe(content);
    expect(fs.readdirSync(path.join(ROOT_DIR, 'man')).sort()).toEqual([...docs.keys()].filter((f) => f.startsWith('man/')).map((f) => f.slice(4)).sort());
  });

  (groff ? it : it.skip)('every --help says what its man page says: each item of the help is in the rendered page', async () => {
    const names = commands.map((f) => f.slice('man/snapscope-'.length, -2));
    const helps = await Promise.all(names.map((name) => help(name.startsWith('snapshot-') ? ['snapshot', name.slice('snapshot-'.length)] : [name])));
    for (const [i, name] of names.entries()) {
      const text = helps[i]!;
      const rendered = squash(spawnSync('groff', ['-t', '-man', '-Tutf8', '-P-cbu', path.join(ROOT_DIR, 'man', `snapscope-${name}.1`)], { encoding: 'utf8' }).stdout);
      const items = text
        .split('\n')
        .filter((l) => l.trim() && !/^[a-z ]+:$/.test(l))
        .flatMap((l) => l.replace(/^usage: /, '').trim().split(/\s{2,}/));
      expect(items.length, name).toBeGreaterThan(8);
      for (const item of items) expect(rendered, `${name}: '${item}'`).toContain(squash(item));
    }
  }, 120_000);

  it('bash completion offers commands, subcommands, options, choices and snapshot names read from the store', () => {
    const bash = spawnSync('bash', ['--version']);
    if (bash.status !== 0) return;
    const dir = fs.mkdtempSync(path.join(ROOT_DIR, '.tmp-completion-'));
    try {
      const demo = spawnSync(process.execPath, [path.join(ROOT_DIR, 'bin/snapscope.mjs'), 'demo', dir], { encoding: 'utf8' });
      expect(demo.status).toBe(0);
      const complete = (line: string): string[] => {
        const words = line.split(' ');
        const script = [
          `snapscope() { ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT_DIR, 'bin/snapscope.mjs'))} "$@"; }`,
          `source ${JSON.stringify(path.join(ROOT_DIR, 'completion/snapscope.bash'))}`,
          `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}`,
          '_snapscope; printf "%s\\n" "${COMPREPLY[@]}"',
        ].join('\n');
        return spawnSync('bash', ['-c', script], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
      };
      expect(complete('snapscope me')).toEqual(['merge']);
      expect(complete('snapscope snapshot c')).toEqual(['create']);
      expect(complete('snapscope merge x --dr')).toEqual(['--dry-run']);
      expect(complete('snapscope format x --kind p')).toEqual(['persistent']);
      expect(complete(`snapscope read ${dir}/shared.cow --origin ${dir}/origin.img -s `).sort()).toEqual(['after-upgrade', 'base', 'before-upgrade', 'nightly']);
      expect(complete(`snapscope snapshot delete ${dir}/shared.cow --snapshot n`)).toEqual(['nightly']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('zsh completion: commands, subcommands, option specs and snapshot names (the completion functions stubbed to print)', () => {
    if (spawnSync('zsh', ['--version']).status !== 0) return;
    const dir = fs.mkdtempSync(path.join(ROOT_DIR, '.tmp-completion-'));
    try {
      expect(spawnSync(process.execPath, [path.join(ROOT_DIR, 'bin/snapscope.mjs'), 'demo', dir]).status).toBe(0);
      const cow = path.join(dir, 'shared.cow');
      const script = [
        `snapscope() { ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT_DIR, 'bin/snapscope.mjs'))} "$@" }`,
        '_describe() { print -l -- "${(@P)2}" }',
        '_values() { shift; print -l -- "$@" }',
        '_arguments() { print -l -- "$@" }',
        'compadd() { [[ $1 == -- ]] && shift; print -l -- "$@" }',
        `source ${JSON.stringify(path.join(ROOT_DIR, 'completion/_snapscope'))} >/dev/null 2>&1`,
        'print -- "--- commands"; words=(snapscope me); CURRENT=2; _snapscope',
        'print -- "--- subcommands"; words=(snapscope snapshot d); CURRENT=3; _snapscope',
        `print -- "--- specs"; words=(snapscope snapshot delete ${cow} -s ''); CURRENT=6; _snapscope`,
        `print -- "--- snapshots"; words=(delete ${cow} -s ''); CURRENT=4; _snapscope_snapshots`,
      ].join('\n');
      const r = spawnSync('zsh', ['-f', '-c', script], { encoding: 'utf8' });
      const section = (name: string): string[] => r.stdout.split(`--- ${name}\n`)[1]!.split('\n---')[0]!.split('\n').filter(Boolean);
      expect(r.status, r.stderr).toBe(0);
      expect(section('commands')).toContain('merge:merge a snapshot back into the origin (offline; resumable)');
      expect(section('subcommands')).toEqual(['list', 'create', 'delete', 'rename']);
      // zsh's print drops the backslash that escapes ':' in the help text.
      expect(section('specs')).toContain('(-s --snapshot)--snapshot=[the snapshot: slot, name or UUID]:SNAP:_snapscope_snapshots');
      expect(section('snapshots')).toEqual(['base', 'nightly', 'before-upgrade', 'after-upgrade']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
