import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync, tempDir } from './cli.ts';
import { blank, digest, ok, sharedVolume } from './safety-fixtures.ts';
import { holds } from './proc-fds.ts';

/**
 * Ctrl-C during a writer whose write is one synchronous step (write, snapshot create/rename/delete,
 * backup-restore, repair --in-place, format): exit 130 and one line saying whether the write was
 * applied, and the store says the same. Not a race: the child is stopped (SIGSTOP) while it holds
 * the COW open (as soon as it opens it, or once its mtime moved: inside the write), so the SIGINT is
 * pending inside the command's work whatever the machine's speed; a trial whose stop came too late
 * (the COW already closed) is not counted.
 */
interface Case {
  name: string;
  /** The file the command writes, and its argv. */
  setup(dir: string): { file: string; argv: string[] };
}

function damage(cow: string): void {
  const fd = fs.openSync(cow, 'r+');
  fs.writeSync(fd, Buffer.alloc(1), 0, 1, 4096); // the bitmap's first byte
  fs.closeSync(fd);
}

const CASES: Case[] = [
  { name: 'write', setup: (dir) => ((v) => ({ file: v.cow, argv: ['write', v.cow, '--origin', v.origin, '-s', 'origin', '--chunk', '5', '--fill', '9'] }))(sharedVolume(dir)) },
  { name: 'snapshot create', setup: (dir) => ((v) => ({ file: v.cow, argv: ['snapshot', 'create', v.cow, '--name', 'new'] }))(sharedVolume(dir)) },
  { name: 'snapshot rename', setup: (dir) => ((v) => ({ file: v.cow, argv: ['snapshot', 'rename', v.cow, '-s', 'one', '--name', 'renamed'] }))(sharedVolume(dir)) },
  { name: 'snapshot delete', setup: (dir) => ((v) => ({ file: v.cow, argv: ['snapshot', 'delete', v.cow, '-s', 'one'] }))(sharedVolume(dir)) },
  {
    name: 'repair --in-place',
    setup: (dir) => {
      const { cow } = sharedVolume(dir);
      damage(cow);
      return { file: cow, argv: ['repair', cow, '--in-place'] };
    },
  },
  {
    name: 'backup-restore',
    setup: (dir) => {
      const { cow } = sharedVolume(dir);
      damage(cow);
      ok(cli('repair', cow, '--in-place'));
      return { file: cow, argv: ['backup-restore', cow, '--backup', `${cow}.snapscope-backup`] };
    },
  },
  { name: 'format', setup: (dir) => ({ file: blank(path.join(dir, 'new.cow'), 4 << 20), argv: ['format', path.join(dir, 'new.cow'), '--kind', 'shared'] }) },
];

const mtime = (file: string): bigint => fs.statSync(file, { bigint: true }).mtimeNs;

/** One trial: stopped while it holds `file` (once it has written it, for 'written'), SIGINT, continued. Null when the stop came too late. */
async function trial(argv: string[], file: string, when: 'opened' | 'written'): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string } | null> {
  const child = cliAsync(...argv);
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  const end = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const pid = child.pid!;
  const real = fs.realpathSync(file);
  const before = mtime(file);
  const ready = (): boolean | null => {
    const h = holds(pid, real);
    return h === true && when === 'written' && mtime(file) === before ? false : h;
  };
  // A busy look, not a timer: the COW is held for a few milliseconds.
  const until = Date.now() + 20_000;
  let held: boolean | null = false;
  while (Date.now() < until && (held = ready()) === false);
  let hit = false;
  if (held) {
    process.kill(pid, 'SIGSTOP');
    hit = holds(pid, real) === true; // stopped inside the work: the SIGINT is taken by the command
    if (hit) process.kill(pid, 'SIGINT');
    process.kill(pid, 'SIGCONT');
  }
  const r = { ...(await end), stdout, stderr };
  return hit ? r : null;
}

describe('SIGINT during a one-step writer', () => {
  for (const c of CASES) {
    it(`${c.name}: exit 130 saying whether the write was applied, and the store agrees`, { timeout: 120_000 }, async () => {
      const seen = { opened: 0, written: 0 };
      for (let n = 0; n < 24 && (seen.opened < 2 || seen.written < 2); n++) {
        const when = n % 2 ? 'written' : 'opened';
        const dir = tempDir();
        const { file, argv } = c.setup(dir);
        const before = digest(file);
        const r = await trial(argv, file, when);
        if (r === null) continue;
        const said = r.stderr.trim();
        if (r.code === 0) {
          // The SIGINT came after the command's last look (printing its result): it finished, and said so.
          expect(r.stdout).not.toBe('');
          expect(digest(file)).not.toBe(before);
          continue;
        }
        expect({ code: r.code, signal: r.signal }, said).toEqual({ code: 130, signal: null });
        seen[when]++;
        // Stopped once the COW was written, the write is under way: it is completed, never undone.
        expect(said).toMatch(when === 'written' ? /^snapscope: interrupted after the commit: \S/ : /^snapscope: interrupted(; nothing was written| after the commit: \S.*)$/);
        if (said.endsWith('nothing was written')) expect(digest(file), said).toBe(before);
        else {
          expect(digest(file), said).not.toBe(before);
          // Applied in full: a store that checks clean (backup-restore put the damaged one back).
          expect(cli('check', file).code, said).toBe(c.name === 'backup-restore' ? 4 : 0);
        }
        expect(fs.readdirSync(dir).filter((f) => f.includes('.snapscope-') && !f.endsWith('-backup')), 'no temporary or spare backup file').toEqual([]);
      }
      expect(seen.opened, 'no trial stopped the command as it opened the COW').toBeGreaterThan(0);
      expect(seen.written, 'no trial stopped the command inside its write').toBeGreaterThan(0);
    });
  }
});
