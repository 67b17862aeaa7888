/**
 * `restore` of a dump onto a COW holding a healthy store, and `repair --in-place`, killed with
 * SIGKILL at random moments: the COW holds either its old content or the new one (issue #12 point
 * 5). A shared store is rebuilt beside the live one and checks clean throughout. A persistent one
 * is rewritten in place, so a kill may leave it marked as being rewritten: a reader is refused
 * saying so, and the next open for writing undoes it from the backup.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTask } from '../../src-core/check/check.ts';
import { MemoryDevice } from '../../src-core/io/memory-device.ts';
import { runToEnd } from '../../src-core/jobs/job.ts';
import { ENTRY_BYTES, Geometry, view, writeLe64 } from '../../src-core/persistent/format.ts';
import { interruptedRewrite } from '../../src-core/persistent/restore-intent.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { openInput } from '../../src-main/host/access/inputs.ts';
import { persistentImage, tableText } from '../core/crash/power-loss.ts';
import { dumpMetadata } from '../core/shared/model.ts';
import { cli, tempDir } from './cli.ts';
import { checkErrors, KILLS, killTrials } from './crash-kill.ts';

const CHUNK = 4096;
const read = (file: string) => new MemoryDevice(new Uint8Array(fs.readFileSync(file)), 'cow');

/** A store with three snapshots and a few thousand exceptions; `variant` changes what they hold. */
function sharedStore(variant: number): Uint8Array {
  const cow = new MemoryDevice(CHUNK * 12000, 'cow');
  const origin = new MemoryDevice(CHUNK * 4096, 'origin');
  const s = SharedStore.format(cow, { chunkBytes: CHUNK });
  for (let k = 0; k < 3; k++) s.createSnapshot({ name: `v${variant}-${k}` });
  for (let c = 0; c < 3000; c++) s.writeSnapshot(origin, c % 3, (c * 5 + variant) % 4096, new Uint8Array(16).fill(1));
  s.close();
  return cow.bytes;
}

/** A persistent store of 4 KiB chunks with 1500 + 300 × variant exceptions (~6 to 8 areas). */
function persistentStore(variant: number): Uint8Array {
  return persistentImage({ chunkBytes: CHUNK, cowChunks: 3000, originChunks: 2500, exceptions: 1500 + 300 * variant, stride: 7 + 2 * variant }).bytes;
}

const sharedContent = (file: string) => dumpMetadata(SharedStore.open(read(file)));
const table = (file: string) => tableText(read(file));

/** Writes `image` to `dir/name`; the command has started writing once its backup holds a record. */
function targets(dir: string, image: Uint8Array) {
  return {
    fresh: (name: string) => {
      const file = path.join(dir, `${name}.img`);
      fs.writeFileSync(file, image);
      return file;
    },
    started: (file: string) => () => fs.existsSync(`${file}.snapscope-backup`) && fs.statSync(`${file}.snapscope-backup`).size > 4,
  };
}

/**
 * For an in-place rewrite of a persistent store: it has started once sector 0 holds its mark. Much
 * of the run comes before the mark, so kills timed from the backup's first record could all miss
 * the marked stretch on a loaded machine.
 */
function marked(file: string): () => boolean {
  return () => {
    const sector = new Uint8Array(512);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, sector, 0, 512, 0);
    } finally {
      fs.closeSync(fd);
    }
    return interruptedRewrite(new MemoryDevice(sector, 'cow')) !== null;
  };
}

/** A dump of `image`, written through the CLI. */
function dumpOf(dir: string, image: Uint8Array): string {
  const source = path.join(dir, 'source.img');
  fs.writeFileSync(source, image);
  const dump = path.join(dir, 'dump.json');
  expect(cli('dump', source, '--out', dump).code).toBe(0);
  return dump;
}

/**
 * After a kill of an in-place rewrite of a persistent store: a marked store refuses a reader with
 * how to undo it; the next open for writing (any command's, through the access layer) undoes it.
 * Returns whether it did.
 */
function settleAfterKill(file: string, where: string): boolean {
  if (interruptedRewrite(read(file)) !== null) {
    const check = cli('check', file);
    expect(check.code, where).not.toBe(0);
    expect(check.stderr, where).toMatch(/restore or repair was interrupted; opening it for writing undoes it from .*snapscope-backup/);
    expect(check.stderr, where).not.toMatch(/\n\s+at /);
  }
  const opened = openInput(file, 'COW', true);
  opened.dev.close();
  expect(interruptedRewrite(read(file)), where).toBeNull();
  return opened.note !== null;
}

describe('restore onto a healthy shared store killed with SIGKILL at random moments', () => {
  it('leaves the old store or the restored one, checking clean', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    const dump = dumpOf(dir, sharedStore(0));
    const live = sharedStore(1);
    const oldText = dumpMetadata(SharedStore.open(new MemoryDevice(live.slice(), 'cow')));
    const newText = sharedContent(path.join(dir, 'source.img'));
    await killTrials({
      ...targets(dir, live),
      args: (file) => ['restore', file, '--dump', dump],
      firstSeed: 300,
      reference: (file) => expect(sharedContent(file)).toBe(newText),
      after: (file, where) => {
        expect(checkErrors(file), where).toEqual([]);
        expect([oldText, newText], where).toContain(sharedContent(file));
      },
    });
  });
});

describe('restore onto a persistent store killed with SIGKILL at random moments', () => {
  it('leaves the old store (undone at the next open for writing) or the restored one', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    const dump = dumpOf(dir, persistentStore(0));
    const live = persistentStore(1);
    const oldTable = tableText(new MemoryDevice(live.slice(), 'cow'));
    const newTable = table(path.join(dir, 'source.img'));
    let undone = 0;
    await killTrials({
      ...targets(dir, live),
      args: (file) => ['restore', file, '--dump', dump],
      firstSeed: 500,
      started: marked,
      startedWhat: 'the store was marked',
      trials: KILLS * 2,
      reference: (file) => expect(table(file)).toBe(newTable),
      after: (file, where) => {
        const wasUndone = settleAfterKill(file, where);
        expect(checkErrors(file), where).toEqual([]);
        if (!wasUndone) return expect([oldTable, newTable], where).toContain(table(file));
        expect(table(file), where).toBe(oldTable);
        undone++;
        // A rerun of the same restore then completes (the spent backup was moved aside).
        const again = cli('restore', file, '--dump', dump);
        expect(again.code, `${where}: ${again.stderr}`).toBe(0);
        expect(table(file), where).toBe(newTable);
      },
    });
    expect(undone, 'no trial killed the restore while the store was marked').toBeGreaterThan(0);
  });
});

describe('repair --in-place of a persistent store killed with SIGKILL at random moments', () => {
  it('leaves the damaged store as it was (undone at the next open for writing) or the repaired one', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    // Entry 300 (area 1) points at the header chunk: repair keeps the 300 entries before it.
    const damaged = persistentStore(1);
    const g = new Geometry(CHUNK / 512);
    writeLe64(view(damaged), g.areaLocation(1) * CHUNK + (300 - g.exceptionsPerArea) * ENTRY_BYTES + 8, 0);
    const findings = (file: string) => runToEnd(checkTask(read(file))).findings.map((f) => f.kind);
    const before = findings(targets(dir, damaged).fresh('damaged'));
    expect(before).not.toEqual([]);
    let undone = 0;
    await killTrials({
      ...targets(dir, damaged),
      args: (file) => ['repair', file, '--in-place'],
      firstSeed: 700,
      started: marked,
      startedWhat: 'the store was marked',
      trials: KILLS * 2,
      reference: (file) => expect(checkErrors(file)).toEqual([]),
      after: (file, where) => {
        if (settleAfterKill(file, where)) undone++;
        const now = findings(file);
        if (now.length) expect(Buffer.compare(fs.readFileSync(file), damaged), `${where}: neither as it was nor repaired (${now.join(', ')})`).toBe(0);
      },
    });
    expect(undone, 'no trial killed the repair while the store was marked').toBeGreaterThan(0);
  });
});
