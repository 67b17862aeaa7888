import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openPage, screenshot } from './browser.ts';
import { serve, type Served } from './server.ts';

/** A served store and a page on it: what every spec starts from. */
export interface Session {
  page: Page;
  errors: string[];
  served: Served;
  dir: string;
  shot(name: string): Promise<void>;
  /** Clicks a view in the sidebar and waits for its heading. */
  view(label: string, heading?: string): Promise<void>;
  close(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `snapscope-e2e-${prefix}-`));
}

/** Copies a store's files to a fresh directory so each spec writes its own copy. */
export function copyStore(files: { cow: string; origin: string }, dir: string): { cow: string; origin: string } {
  const cow = path.join(dir, path.basename(files.cow));
  const origin = path.join(dir, path.basename(files.origin));
  fs.copyFileSync(files.cow, cow);
  fs.copyFileSync(files.origin, origin);
  return { cow, origin };
}

export async function openServed(browser: Browser, store: { cow: string; origin: string }, dir: string): Promise<Session> {
  const served = await serve([store.cow, store.origin, '--write'], { XDG_DATA_HOME: dir, HOME: dir });
  const { page, errors } = await openPage(browser, served.url);
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  return {
    page,
    errors,
    served,
    dir,
    shot: (name) => screenshot(page, name),
    async view(label, heading = label) {
      await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: new RegExp(`^${label}`) }).click();
      await page.getByRole('heading', { name: heading, exact: false }).first().waitFor();
    },
    async close() {
      await page.context().close();
      await served.stop();
    },
  };
}
