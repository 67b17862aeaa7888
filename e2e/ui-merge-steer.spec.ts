import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobInfo, StoreInfo } from '../src-core/api/contract.ts';
import { SharedStore } from '../src-core/shared/index.ts';
import { createSharedMerge } from '../src-core/shared/merge/index.ts';
import { FileDevice } from '../src-main/host/file-device.ts';
import { apiCall } from './api.ts';
import { browserHarness, openServed, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { cpuLoad } from './cpu-load.ts';
import { cliJson } from './demo-store.ts';
import { MERGE_CHUNK_BYTES, writeMergeStore } from './metadata-store.ts';

const missing = chromiumMissing();
const CHUNK = MERGE_CHUNK_BYTES;
/** 1 GiB merged: 16384 chunks of 64 KiB; the first ONLY of them 'other' still reads on the origin (copies first). */
const CHUNKS = 16384;
const ONLY = 4096;
/** Origin chunks that hold data (0x5a): the rest of the 1 GiB origin is a hole. */
const MARKED = 256;

/**
 * Snapshot 'target' (slot 0) holds copies of all CHUNKS origin chunks, 'other' (slot 1) shares
 * those past ONLY: merging 'target' copies ONLY chunks for 'other' first (256 MiB), then 1 GiB onto
 * the origin. Metadata only: data chunks are holes. The origin's first chunks hold data, so a merge
 * that touched it would change its fingerprint.
 */
const makeStore = (dir: string, only = ONLY) => writeMergeStore(dir, { names: ['target', 'other'], merged: 0, chunks: CHUNKS, only, data: 'holes', originMarked: MARKED });

/**
 * What a merge's origin writes would change: the hash of the chunks that hold data (the merge
 * writes zeros there) and the blocks allocated (a write into the hole allocates them). Hashing the
 * whole 1 GiB took 3–4 s a time here, most of it zeros read from the hole.
 */
const fingerprint = (origin: string): string => {
  const fd = fs.openSync(origin, 'r');
  try {
    const data = Buffer.alloc(MARKED * CHUNK);
    fs.readSync(fd, data, 0, data.length, 0);
    const { size, blocks } = fs.fstatSync(fd);
    return `${crypto.createHash('sha256').update(data).digest('hex')} ${size} ${blocks}`;
  } finally {
    fs.closeSync(fd);
  }
};

const stagesOf = async (page: import('playwright-core').Page): Promise<[number, number][]> => JSON.parse((await page.getByTestId('merge-stages').getAttribute('data-stages')) ?? '[]') as [number, number][];

/** The merge job's stages as the host last heard them from the engine: what a paused merge's page must show. */
const engineStages = async (url: string): Promise<{ state: string; stages: [number, number][] }> => {
  const job = (await apiCall(url, 'jobs', {})).jobs.find((j: JobInfo) => j.kind === 'merge' && j.endedAt === null)!;
  return { state: job.state, stages: (job.progress.stages ?? []).map((s) => [s.done, s.total]) };
};

/** Clicks Start in the merge dialog of 'target' (slot 0), default settings. */
const startMerge = async (page: import('playwright-core').Page): Promise<void> => {
  await page.getByRole('combobox', { name: 'Snapshot' }).selectOption('0');
  await page.getByRole('button', { name: 'Merge into origin…' }).click();
  const dialog = page.getByRole('dialog', { name: "Merge 'target' into the origin?" });
  await dialog.getByTestId('merge-plan').waitFor();
  await dialog.getByRole('button', { name: 'Start merge' }).click();
};

/** Clicks Pause; half a second later the figures are the engine's paused ones, and they stay. */
const expectPauseHolds = async (page: import('playwright-core').Page, url: string): Promise<[number, number][]> => {
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.waitForTimeout(500);
  const held = await stagesOf(page);
  expect(await page.getByTestId('merge-phase').textContent()).toMatch(/^Paused copying/);
  expect(await engineStages(url)).toEqual({ state: 'paused', stages: held });
  await page.waitForTimeout(1500);
  expect(await stagesOf(page)).toEqual(held);
  return held;
};

// Issue 15, problem 4: 256 MiB batches (Pause acted at a batch's end), 0% during the copies, no abandon, summaries of one run only.
(missing ? describe.skip : describe)(missing ? `merge steering e2e skipped: ${missing}` : 'a merge you can steer, in Chromium', () => {
  const harness = browserHarness();
  // Each store is a 1 GiB origin and a COW as large: gone once the specs have ended (their servers too).
  const dirs: string[] = [];
  const storeDir = (prefix: string): string => {
    const dir = tempDir(prefix);
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a merge stopped before it moved an origin chunk can be abandoned: the record is cleared, the origin hash unchanged', async () => {
    const dir = storeDir('steer-abandon');
    const { cow, origin } = makeStore(dir, CHUNKS);
    const hash = fingerprint(origin);
    const app = await harness.open((browser) => openServed(browser, { cow, origin }, dir));
    const { page } = app;
    const session = (await apiCall(app.served.url, 'sessions', {})).sessions[0]!.session;
    // Another client (as the CLI would) starts the merge and pauses it at once: its first step
    // copies for 'other' (one batch of every chunk: 1 GiB of copies, far longer than the pause
    // takes to arrive; with 112 and then 256 MiB, loaded CI runs saw the copies end first once the
    // merges got faster) and yields before any origin write, where the pause lands.
    const job = await apiCall(app.served.url, 'merge', { session, snapshot: 'target', batchChunks: CHUNKS });
    await apiCall(app.served.url, 'jobPause', { job: job.id });
    await app.view('Merge');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const banner = page.getByTestId('merge-recorded');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toContain('stopped before moving any origin chunk');
    expect(await page.getByTestId('merge-summary').textContent()).toContain('no origin chunk was moved');
    await app.shot('15-4-merge-cancelled-at-0');
    await banner.getByRole('button', { name: 'Abandon merge' }).click();
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(0);
    await page.getByRole('button', { name: 'Merge into origin…' }).waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'Open a snapshot exception store' }).waitFor();
    expect(cliJson<StoreInfo>('info', cow).merge).toBeNull();
    expect(fingerprint(origin)).toBe(hash);
  }, 180_000);

  it('a merge another process stopped before its first origin write is "stopped before moving any origin chunk" here too, and can be abandoned: the store records it', async () => {
    const dir = storeDir('steer-abandon-restart');
    const { cow, origin } = makeStore(dir);
    const hash = fingerprint(origin);
    // Another process ran the merge's first step (recorded, copies for 'other' made) and stopped
    // there, as a cancel does, before any origin write; then it was gone. This server never saw it run.
    const cowDev = FileDevice.open(cow, { write: true });
    const originDev = FileDevice.open(origin, { write: true });
    const store = SharedStore.open(cowDev, { write: true }) as SharedStore;
    // One small batch: its first step records the merge and makes the batch's copies (all of them need one).
    expect(createSharedMerge(store, originDev, 0, { batchBytes: 64 * CHUNK }).step()).toBe(false);
    store.close();
    originDev.close();
    cowDev.close();
    expect(cliJson<StoreInfo>('info', cow).merge).toMatchObject({ slot: 0, done: 0, originUntouched: true });

    const app = await harness.open((browser) => openServed(browser, { cow, origin }, dir));
    const { page } = app;
    await app.view('Merge');
    const banner = page.getByTestId('merge-recorded');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toContain('stopped before moving any origin chunk');
    await app.shot('15-4-merge-abandon-after-restart');
    await banner.getByRole('button', { name: 'Abandon merge' }).click();
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(0);
    expect(await page.getByTestId('sync-error').count()).toBe(0);
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'Open a snapshot exception store' }).waitFor();
    expect(cliJson<StoreInfo>('info', cow).merge).toBeNull();
    expect(fingerprint(origin)).toBe(hash);
  }, 180_000);

  it('default settings on a 1 GiB merge: Pause holds the progress within 0.5 s, progress counts the copies and the origin, the summary counts every run', async () => {
    const dir = storeDir('steer-pause');
    const { cow, origin } = makeStore(dir);
    const app = await harness.open((browser) => openServed(browser, { cow, origin }, dir));
    const { page } = app;
    await app.view('Merge');
    await startMerge(page);

    // Both kinds of work count from the start: the copies for 'other', then the chunks onto the origin.
    await expect.poll(async () => (await stagesOf(page))[1]?.[0] ?? 0, { timeout: 60_000, interval: 50 }).toBeGreaterThan(32 * CHUNK);
    const [copies, onto] = await stagesOf(page);
    // Batches go in origin order, each copying for 'other' before it writes the origin: copies have begun.
    expect(copies![1]).toBe(ONLY * CHUNK);
    expect(copies![0]).toBeGreaterThan(0);
    expect(onto![1]).toBe(CHUNKS * CHUNK);
    expect(Number((await page.getByTestId('merge-percent').textContent())!.replace('%', ''))).toBeGreaterThan(0);

    const held = await expectPauseHolds(page, app.served.url);
    expect(held[1]![0]).toBeLessThan(CHUNKS * CHUNK);
    await app.shot('15-4-merge-paused');

    // Cancel, then resume from the record: the summary counts both runs.
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const banner = page.getByTestId('merge-recorded');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Only resuming can finish it');
    expect(await banner.getByRole('button', { name: 'Abandon merge' }).count()).toBe(0);
    await app.shot('15-4-merge-recorded-resume-only');
    await banner.getByRole('button', { name: 'Resume merge' }).click();
    await expect.poll(() => page.getByTestId('merge-percent').textContent(), { timeout: 120_000 }).toBe('100%');
    const summary = page.getByTestId('merge-summary');
    await summary.waitFor();
    const text = (await summary.textContent()) ?? '';
    expect(text).toContain(`${CHUNKS.toLocaleString('en-US')} origin chunks`);
    expect(text).toContain(`${ONLY.toLocaleString('en-US')} chunks`);
    await app.shot('15-4-merge-summary-all-runs');
    const jobs = (await apiCall(app.served.url, 'jobs', {})).jobs.filter((j: JobInfo) => j.kind === 'merge');
    expect(jobs.some((j) => j.state === 'cancelled')).toBe(true);
  }, 240_000);

  it('on a busy machine, Pause while the merge copies for the other snapshots holds within 0.5 s too (each copies step is sized by its own time, from a small first one)', async () => {
    const dir = storeDir('steer-pause-busy');
    const { cow, origin } = makeStore(dir);
    const app = await harness.open((browser) => openServed(browser, { cow, origin }, dir));
    const { page } = app;
    await app.view('Merge');
    // Two spinning processes on CI's two cores: a copies step sized by the batch's mixed throughput, or a
    // first one of 32 MiB, ran past a second here, and the pause waited for its end.
    const load = cpuLoad(2);
    try {
      await startMerge(page);
      // At once: the merge begins with the copies for 'other' (256 MiB), the costliest step per byte.
      const held = await expectPauseHolds(page, app.served.url);
      expect(held[0]![0]).toBeLessThan(ONLY * CHUNK);
    } finally {
      load.stop();
    }
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await page.getByTestId('merge-recorded').waitFor();
  }, 180_000);
});
