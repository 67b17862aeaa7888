import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync, tempDir } from './cli.ts';
import { holds } from './proc-fds.ts';
import { blank, canLoop, digest, loop, ok, sharedVolume } from './safety-fixtures.ts';

/**
 * Ctrl-C during `restore`, which runs as a job (cancelled between its steps): exit 130 and one line
 * saying what the target holds, as the other writers say it, and the target agrees. The child is
 * stopped (SIGSTOP) at a chosen point, sent SIGINT and continued, so the signal is pending inside
 * that phase whatever the machine's speed.
 */

/** A dump whose reading takes many steps: the store's dump, then 32 MiB of newlines (JSON whitespace). */
function slowDump(cow: string, dir: string): string {
  const dump = path.join(dir, 'slow.json');
  ok(cli('dump', cow, '--out', dump));
  fs.appendFileSync(dump, Buffer.alloc(32 << 20, 0x0a));
  return dump;
}

/**
 * A 64 MiB copy of the store whose space past the store is non-zero data, and its dump: copying it
 * takes eight steps of 8 MiB, none skipped as sparse.
 */
function bigSource(cow: string, dir: string): { big: string; dump: string } {
  const big = path.join(dir, 'big.cow');
  fs.copyFileSync(cow, big);
  const fd = fs.openSync(big, 'r+');
  try {
    const used = fs.fstatSync(fd).size;
    fs.writeSync(fd, Buffer.alloc((64 << 20) - used, 0x5a), 0, (64 << 20) - used, used);
  } finally {
    fs.closeSync(fd);
  }
  const dump = path.join(dir, 'dump.json');
  ok(cli('dump', big, '--out', dump));
  return { big, dump };
}

/** Runs `argv`, stops it once `ready()` holds, sends SIGINT, continues it; null when it ended first. */
async function interruptWhen(argv: string[], ready: (pid: number) => boolean): Promise<{ code: number | null; stdout: string; stderr: string } | null> {
  const child = cliAsync(...argv);
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  let exited = false;
  const end = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  while (!exited && !ready(child.pid!)) await new Promise((r) => setTimeout(r, 2));
  if (exited) return null;
  process.kill(child.pid!, 'SIGSTOP');
  process.kill(child.pid!, 'SIGINT');
  process.kill(child.pid!, 'SIGCONT');
  return { code: await end, stdout, stderr };
}

/**
 * Up to five trials, until one is interrupted: a trial whose SIGINT came during the last step
 * finishes (exit 0, its result said) and is not counted; a fast machine may copy the rest of the
 * data within the slice the SIGINT lands in.
 */
async function firstInterrupted<R extends { code: number | null; stdout: string; stderr: string }>(trial: (n: number) => Promise<R | null>): Promise<R> {
  for (let n = 0; n < 5; n++) {
    const r = await trial(n);
    expect(r, 'the restore ended before the point the SIGINT was meant for').not.toBeNull();
    if (r!.code !== 0) {
      expect(r!.code, r!.stderr).toBe(130);
      return r!;
    }
    expect(r!.stdout).toMatch(/^restored /);
  }
  throw new Error('in five trials the restore always finished before the SIGINT took effect');
}

describe('SIGINT during restore', () => {
  it('in place, while it reads the dump: exit 130, "nothing was written", the store and no backup as before; --json says cancelled', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const dump = slowDump(cow, dir);
    const real = fs.realpathSync(dump);
    for (const json of [false, true]) {
      const before = digest(cow);
      const r = await interruptWhen(['restore', cow, '--dump', dump, ...(json ? ['--json'] : [])], (pid) => holds(pid, real) === true);
      expect(r, 'the restore ended before it read the dump').not.toBeNull();
      expect(r!.code, r!.stderr).toBe(130);
      if (json) expect(JSON.parse(r!.stdout.trim().split('\n').at(-1)!).error).toMatchObject({ code: 'cancelled', message: 'interrupted; nothing was written' });
      else expect(r!.stderr).toBe('snapscope: interrupted; nothing was written\n');
      expect(digest(cow)).toBe(before);
      expect(fs.readdirSync(dir).filter((n) => n.includes('.snapscope-'))).toEqual([]);
    }
  });

  it('onto a new file with --data-from, while it copies: exit 130, "<target> was not written", no file and no temporary file', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const { big, dump } = bigSource(cow, dir);
    const r = await firstInterrupted(async (n) => {
      const target = path.join(dir, `new-${n}.cow`);
      const temp = (): boolean => fs.readdirSync(dir).some((f) => f.startsWith(`.new-${n}.cow.snapscope-`));
      const run = await interruptWhen(['restore', target, '--dump', dump, '--data-from', big], temp);
      return run && { ...run, target };
    });
    expect(r.stderr).toBe(`snapscope: interrupted; ${r.target} was not written\n`);
    expect(fs.readdirSync(dir).filter((f) => f.includes(path.basename(r.target)))).toEqual([]);
  });

  it.skipIf(!canLoop)('onto a new device with --data-from, once the copy has begun: exit 130, "only partly written", saying how far (needs root)', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const { cow } = sharedVolume(dir);
    const { big, dump } = bigSource(cow, dir);
    const r = await firstInterrupted(async (n) => {
      const target = loop(blank(path.join(dir, `target-${n}.img`), 64 << 20));
      const head = Buffer.alloc(4096);
      const copyBegun = (): boolean => {
        const fd = fs.openSync(target, 'r');
        try {
          fs.readSync(fd, head, 0, head.length, 0);
        } finally {
          fs.closeSync(fd);
        }
        return head.some((b) => b !== 0); // the store's header, the first piece copied
      };
      const run = await interruptWhen(['restore', target, '--dump', dump, '--data-from', big], copyBegun);
      return run && { ...run, target };
    });
    const m = /^snapscope: interrupted; (\S+) was only partly written: its first (\d+) bytes copied from \S+, its metadata not written\n$/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(m![1]).toBe(r.target);
    expect(Number(m![2]) % (8 << 20)).toBe(0);
    expect(Number(m![2])).toBeGreaterThan(0);
  });
});
