/**
 * `restore` of a dump onto a COW holding a healthy store, killed with SIGKILL at random moments:
 * the COW checks clean and holds either its old content or the dump's (issue #12 point 5).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../src-core/check/check.ts';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { runToEnd } from '../../src-core/jobs/job.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { dumpMetadata } from '../core/shared/model.ts';
import { cli, tempDir } from './cli.ts';
import { KILLS, random, runAndKill } from './crash-kill.ts';

const CHUNK = 4096;

/** A store with three snapshots and a few thousand exceptions; `variant` changes what they hold. */
function store(variant: number): Uint8Array {
  const cow = new MemoryDevice(CHUNK * 12000, 'cow');
  const origin = new MemoryDevice(CHUNK * 4096, 'origin');
  const s = SharedStore.format(cow, { chunkBytes: CHUNK });
  for (let k = 0; k < 3; k++) s.createSnapshot({ name: `v${variant}-${k}` });
  for (let c = 0; c < 3000; c++) s.writeSnapshot(origin, c % 3, (c * 5 + variant) % 4096, new Uint8Array(16).fill(1));
  s.close();
  return cow.bytes;
}

const content = (file: string) => dumpMetadata(SharedStore.open(new MemoryDevice(new Uint8Array(fs.readFileSync(file)), 'cow')));

describe('restore onto a healthy store killed with SIGKILL at random moments', () => {
  it('leaves the old store or the restored one, checking clean', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    const source = path.join(dir, 'source.img');
    fs.writeFileSync(source, store(0));
    const dump = path.join(dir, 'dump.json');
    const d = cli('dump', source, '--out', dump);
    if (!fs.existsSync(dump)) fs.writeFileSync(dump, d.stdout);
    const liveImage = store(1);
    const oldText = dumpMetadata(SharedStore.open(new MemoryDevice(liveImage.slice(), 'cow')));
    const newText = content(source);
    const target = (name: string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, liveImage);
      return file;
    };
    const backupStarted = (file: string) => () => fs.existsSync(`${file}.snapscope-backup`) && fs.statSync(`${file}.snapscope-backup`).size > 4;
    const refFile = target('ref.img');
    const full = await runAndKill(['restore', dump, refFile], backupStarted(refFile), Infinity);
    expect(full.code, full.stderr).toBe(0);
    expect(content(refFile)).toBe(newText);
    let killedMidway = 0;
    for (let trial = 0; trial < KILLS; trial++) {
      const seed = 300 + trial;
      const file = target(`t${trial}.img`);
      const delay = random(seed)() * full.workMs;
      const run = await runAndKill(['restore', dump, file], backupStarted(file), delay);
      const where = `seed ${seed}, killed ${Math.round(delay)} ms after the first write (of ${full.workMs})`;
      if (run.killed) killedMidway++;
      const report = runToEnd(checkTask(new MemoryDevice(new Uint8Array(fs.readFileSync(file)), 'cow')));
      expect(report.findings.filter((f) => f.severity === 'error'), where).toEqual([]);
      expect([oldText, newText], where).toContain(content(file));
    }
    expect(killedMidway, 'no trial killed the process while it worked').toBeGreaterThan(0);
  });
});
