/**
 * Live COWs for the browser specs where this machine has no device-mapper: a persistent COW in a
 * file behind a loop device, which another process appends to or merges from as the kernel would
 * (tests/core/live/kernel-appender.mjs, kernel-merger.mjs).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Session } from './app.ts';

const APPENDER = path.resolve(import.meta.dirname, '../tests/core/live/kernel-appender.mjs');
const MERGER = path.resolve(import.meta.dirname, '../tests/core/live/kernel-merger.mjs');
export const CHUNK_SECTORS = 8;

/** Why a live spec cannot run here, or null: root with losetup for the loop device. */
export function loopMissing(): string | null {
  if (process.getuid?.() !== 0) return 'needs root for a loop device (losetup)';
  try {
    execFileSync('losetup', ['--version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'losetup is not installed';
  }
}

/** An empty persistent COW as the kernel formats it: the header chunk, then a zeroed first area. */
export function emptyCow(file: string): void {
  const cow = Buffer.alloc(4 << 20);
  cow.write('SnAp', 0, 'latin1');
  cow.writeUInt32LE(1, 4); // valid
  cow.writeUInt32LE(1, 8); // version
  cow.writeUInt32LE(CHUNK_SECTORS, 12);
  fs.writeFileSync(file, cow);
}

/** Appends exceptions [from, to) from another process, as the kernel does: entry i is origin chunk 7i+3. */
export function append(cow: string, from: number, to: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [APPENDER, cow, String(CHUNK_SECTORS), String(to), String(from)], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`appender exited ${code}`))));
  });
}

/** Merges the newest exceptions down to `left` as the kernel's snapshot-merge does. */
export function merge(cow: string, now: number, left: number): void {
  execFileSync(process.execPath, [MERGER, cow, String(CHUNK_SECTORS), String(now), String(left)]);
}

/** A loop device over `file` (detach it with detach()). */
export function losetup(file: string): string {
  return execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
}

export function detach(loop: string): void {
  execFileSync('losetup', ['-d', loop]);
}

/** What a COW holds when its writer alone wrote it: `appended` exceptions, then merged down to `left` (built in `dir`). */
export async function writerOnly(dir: string, appended: number, left = appended): Promise<Buffer> {
  const file = path.join(dir, 'reference.img');
  emptyCow(file);
  await append(file, 0, appended);
  if (left < appended) merge(file, appended, left);
  return fs.readFileSync(file);
}

/**
 * On an open live COW: a slow timer (so the read is the click's), `change` done to the COW, Refresh
 * now; then the bar's `counter` (live-fresh or live-merged) says `by` and the Exception table counts `count`.
 */
export async function refreshAfter(app: Session, change: () => unknown, counter: 'live-fresh' | 'live-merged', by: number, count: number): Promise<void> {
  const bar = app.page.getByRole('region', { name: 'Live COW' });
  await bar.getByLabel('Refresh every (seconds)').selectOption('60');
  await change();
  await bar.getByRole('button', { name: 'Refresh now' }).click();
  await expect.poll(() => app.page.getByTestId(counter).getAttribute('data-value'), { timeout: 30_000 }).toBe(String(by));
  await app.view('Exception table');
  await expect.poll(() => app.page.getByTestId('exception-count').getAttribute('data-value')).toBe(String(count));
}
