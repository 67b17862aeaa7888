import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './cli.ts';
import { blank, canLoop, digest, loop, ok, sharedVolume } from './safety-fixtures.ts';

/** Runs bounded by default (each run starts real processes); SNAPSCOPE_PROPERTY_RUNS for more. */
const RUNS = Number(process.env['SNAPSCOPE_PROPERTY_RUNS'] ?? 12);

type Kind = 'same' | 'symlink' | 'store' | 'data' | 'device' | 'new';
const COMMANDS = ['read', 'dump', 'repair'] as const;

describe('random commands with random --out targets', () => {
  it('never change an input and never leave a partial output', () => {
    const dir = tempDir();
    const { origin, cow } = sharedVolume(dir);
    const other = sharedVolume(path.join(dir, 'other') + (fs.mkdirSync(path.join(dir, 'other')), '')).cow;
    const argv = (command: (typeof COMMANDS)[number], out: string): string[] =>
      command === 'read' ? ['read', cow, '--origin', origin, '-s', 'one', '--out', out] : command === 'dump' ? ['dump', cow, '--out', out] : ['repair', cow, '--out', out];
    // What a complete output holds, from a run into a fresh path.
    const reference = Object.fromEntries(COMMANDS.map((c) => [c, digest((ok(cli(...argv(c, path.join(dir, `ref-${c}`)))), path.join(dir, `ref-${c}`)))]));
    const device = canLoop ? loop(blank(path.join(dir, 'device.img'), 2 << 20)) : null;
    const inputs = [origin, cow, other].map(digest);
    let n = 0;
    fc.assert(
      fc.property(fc.constantFrom(...COMMANDS), fc.constantFrom<Kind>('same', 'symlink', 'store', 'data', 'new', ...(device ? (['device'] as const) : [])), fc.boolean(), (command, kind, force) => {
        const run = path.join(dir, `run-${n++}`);
        fs.mkdirSync(run);
        const out = target(kind, run, { cow, other, device });
        const before = fs.existsSync(out) ? digest(out) : null;
        const deviceInUse = kind === 'device' && holdsAnything(out);
        // A device holding any data makes every command refuse it without --force (dump too, since
        // its text may overwrite a disk's contents).
        const deviceRefuses = deviceInUse;
        const r = cli(...argv(command, out), ...(force ? ['--force'] : []));
        expect([origin, cow, other].map(digest), 'inputs unchanged').toEqual(inputs);
        expect(fs.readdirSync(run).filter((f) => f.includes('.snapscope-')), 'no temporary file left').toEqual([]);
        const refused = kind === 'same' || kind === 'symlink' || (!force && (kind === 'store' || (kind === 'data' && command !== 'dump') || deviceRefuses));
        expect(r.code === 0, `${command} --out ${kind}${force ? ' --force' : ''}: ${r.stderr}`).toBe(!refused);
        if (refused) {
          expect(r.stderr.trim().split('\n')).toHaveLength(1);
          expect(fs.existsSync(out) ? digest(out) : null, 'a refused target is unchanged').toBe(before);
          return;
        }
        // Complete: the same bytes as into a fresh path (a device holds them at its start).
        const got = kind === 'device' ? digestPrefix(out, fs.statSync(path.join(dir, `ref-${command}`)).size) : digest(out);
        expect(got).toBe(reference[command]);
      }),
      { numRuns: RUNS },
    );
  }, 900_000);
});

function target(kind: Kind, run: string, p: { cow: string; other: string; device: string | null }): string {
  switch (kind) {
    case 'same':
      return p.cow;
    case 'symlink':
      fs.symlinkSync(p.cow, path.join(run, 'link'));
      return path.join(run, 'link');
    case 'store':
      fs.copyFileSync(p.other, path.join(run, 'store.cow'));
      return path.join(run, 'store.cow');
    case 'data':
      fs.writeFileSync(path.join(run, 'data.bin'), Buffer.alloc(3 << 20, 0x3c));
      return path.join(run, 'data.bin');
    case 'device':
      return p.device!;
    case 'new':
      return path.join(run, 'new');
  }
}

function digestPrefix(p: string, bytes: number): string {
  const fd = fs.openSync(p, 'r');
  const buf = Buffer.alloc(bytes);
  fs.readSync(fd, buf, 0, bytes, 0);
  fs.closeSync(fd);
  return crypto.createHash('sha256').update(buf).digest('hex');
}

/** Whether a device or file holds any non-zero byte, or a store (what needs --force to overwrite). */
function holdsAnything(p: string): boolean {
  return fs.readFileSync(p).some((b) => b !== 0);
}
