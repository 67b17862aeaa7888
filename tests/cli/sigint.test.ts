import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SharedStore } from '../../src-core/shared/index.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { cli, cliAsync, tempDir } from './cli.ts';
import { blank, sharedVolume } from './safety-fixtures.ts';
import { holds } from './proc-fds.ts';

/**
 * Ctrl-C during long work ends it promptly with exit 130 and says so. While a command writes its
 * --out file it also removes its temporary file and leaves the target as it was: only SIGKILL or a
 * second Ctrl-C may leave a temporary file behind (docs/safety.md). (merge: merge-cancel.test.ts.)
 */
function bigVolume(dir: string, gib = 40): { cow: string; origin: string } {
  // Sparse: a 40 GiB store of 512-byte chunks (a 10 MiB bitmap to walk) and a 1 GiB origin.
  const cow = blank(path.join(dir, 'big.cow'), gib * 2 ** 30);
  const origin = blank(path.join(dir, 'origin.img'), 2 ** 30);
  const dev = FileDevice.open(cow, { write: true });
  try {
    SharedStore.format(dev, { chunkBytes: 512 }).close();
  } finally {
    dev.close();
  }
  return { cow, origin };
}

/**
 * One store of each size for the file: the commands below only read it, and formatting the
 * 2047 GiB one (a 512 MiB bitmap) took 6-10 s, four times over. Each test writes in a directory of its own.
 */
const volumes = new Map<number, { dir: string; cow: string; origin: string }>();
afterAll(() => {
  for (const v of volumes.values()) fs.rmSync(v.dir, { recursive: true, force: true });
});
function readOnlyVolume(gib: number): { dir: string; cow: string; origin: string } {
  let v = volumes.get(gib);
  if (!v) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-cli-sigint-'));
    v = { dir, ...bigVolume(dir, gib) };
    volumes.set(gib, v);
  }
  return v;
}

const temps = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.includes('.snapscope-'));

/** Starts the command, sends SIGINT once its temporary output file exists, and waits for the end. */
async function interrupt(dir: string, args: string[]): Promise<{ code: number | null; signal: string | null; stderr: string; finishedFirst: boolean }> {
  const child = cliAsync(...args);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  let exited = false;
  const end = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('close', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  while (!exited && temps(dir).length === 0) await new Promise((r) => setTimeout(r, 5));
  const finishedFirst = exited;
  child.kill('SIGINT');
  return { ...(await end), stderr, finishedFirst };
}

describe('SIGINT while an --out file is written', () => {
  // Store sizes (GiB) that keep each command busy well past its temporary file's creation: an empty
  // 40 GiB store's dump took 0.3 s in all, so its Ctrl-C could land after the rename (exit 0).
  const cases: [string, number, (v: { cow: string; origin: string }, out: string) => string[]][] = [
    ['dump', 2047, (v, out) => ['dump', v.cow, '--out', out]],
    ['read', 40, (v, out) => ['read', v.cow, '--origin', v.origin, '-s', 'origin', '--out', out]],
    ['repair --out', 40, (v, out) => ['repair', v.cow, '--out', out]],
  ];
  for (const [name, gib, argv] of cases) {
    it(`${name}: exits 130 saying so, removes its temporary file, writes no target`, { timeout: 60_000 }, async () => {
      const dir = tempDir();
      const v = readOnlyVolume(gib);
      const out = path.join(dir, 'out');
      const r = await interrupt(dir, argv(v, out));
      expect(r.finishedFirst, 'the command was still running at the SIGINT').toBe(false);
      expect({ code: r.code, signal: r.signal }, r.stderr).toEqual({ code: 130, signal: null });
      expect(r.stderr.trim()).toMatch(/^snapscope: interrupted; \S*\/out was not written$/);
      expect(temps(dir)).toEqual([]);
      expect(temps(v.dir)).toEqual([]);
      expect(fs.existsSync(out)).toBe(false);
    });
  }
});

describe('SIGINT during check or stats with --json or --quiet', () => {
  for (const flags of [['check', '--json'], ['stats', '--json'], ['check', '-q']]) {
    it(`${flags.join(' ')}: exits 130, with a JSON error under --json`, { timeout: 60_000 }, async () => {
      // About 2^32 chunks: the walk skips a free bitmap a word at a time, and 100 GiB took 0.2 s in all.
      const { cow } = readOnlyVolume(2047);
      const child = cliAsync(flags[0]!, cow, flags[1]!);
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
      let exited = false;
      const end = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.on('close', (code, signal) => {
          exited = true;
          resolve({ code, signal });
        }),
      );
      while (!exited && holds(child.pid!, fs.realpathSync(cow)) !== true) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 150)); // into the walk
      expect(exited, 'still running at the SIGINT').toBe(false);
      child.kill('SIGINT');
      expect(await end).toEqual({ code: 130, signal: null });
      if (flags[1] === '--json') expect(JSON.parse(stdout).error.code).toBe('cancelled');
      else expect(stdout).toBe('');
    });
  }
});

describe('SIGINT during replay', () => {
  it('stops between lines, exit 130: in the rehearsal nothing is written; in the run the lines before are committed, and it says which', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const script = path.join(dir, 'long.script');
    // 256 origin chunks, rewritten over and over: a few seconds of work.
    fs.writeFileSync(script, Array.from({ length: 600_000 }, (_, i) => `origin-write ${i % 256} ${i % 250}`).join('\n'));
    // 0: as the COW is taken (before its origin is open); then in the rehearsal; then in the run.
    for (const delayMs of [0, 300, 1800]) {
      fs.mkdirSync(path.join(dir, `${delayMs}`));
      const v = sharedVolume(path.join(dir, `${delayMs}`));
      const before = fs.readFileSync(v.origin);
      const child = cliAsync('replay', v.cow, '--origin', v.origin, '--script', script);
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
      const end = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
      while (holds(child.pid!, fs.realpathSync(v.cow)) !== true) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGINT');
      expect(await end, stderr).toEqual({ code: 130, signal: null });
      const said = stderr.trim();
      expect(said).toMatch(/^snapscope: interrupted; (in the rehearsal, nothing was written|the lines before line (\d+) of \S+ were applied and committed)$/);
      expect(cli('check', v.cow).code).toBe(0);
      const line = Number(/before line (\d+)/.exec(said)?.[1] ?? 0);
      // The origin holds exactly the lines before the one named: chunk c got the byte of its last write.
      const expected = Buffer.from(before);
      for (let i = 0; i < line - 1; i++) expected.fill(i % 250, (i % 256) * 4096, (i % 256 + 1) * 4096);
      expect(fs.readFileSync(v.origin).equals(expected), said).toBe(true);
    }
  });
});
