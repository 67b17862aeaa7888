import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Page } from 'playwright-core';
import { ROOT } from './demo-store.ts';

/** Helpers of the issue-15 specs (the UI tells the truth): kernel fixtures, hashes, free ports. */

export const KERNEL = path.join(ROOT, 'test-fixtures', 'kernel');

export function hasFixture(name: string): boolean {
  return fs.existsSync(path.join(KERNEL, name));
}

/** A kernel fixture's cow.img and origin.img, unpacked into `dir`. */
export function kernelStore(name: string, dir: string): { cow: string; origin: string } {
  const cow = path.join(dir, 'cow.img');
  const origin = path.join(dir, 'origin.img');
  fs.writeFileSync(cow, zlib.gunzipSync(fs.readFileSync(path.join(KERNEL, name, 'cow.img.gz'))));
  fs.writeFileSync(origin, zlib.gunzipSync(fs.readFileSync(path.join(KERNEL, name, 'origin.img.gz'))));
  return { cow, origin };
}

export function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A TCP port free right now (serve restarts on the same one). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The text of every alert on the page, joined. */
export async function alerts(page: Page): Promise<string> {
  return (await page.getByRole('alert').allTextContents()).join('\n');
}

export function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}
