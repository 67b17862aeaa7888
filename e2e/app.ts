import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launch, openPage, screenshot } from './browser.ts';
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

/** `snapscope serve <args>` with its data directory in `dir` (and `env` over the environment), and a page on it. */
export async function openServer(browser: Browser, args: string[], dir: string, env: NodeJS.ProcessEnv = {}): Promise<Session> {
  const served = await serve(args, { XDG_DATA_HOME: dir, HOME: dir, ...env });
  const { page, errors } = await openPage(browser, served.url);
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

/** A store served read-write, its page on the Overview. */
export async function openServed(browser: Browser, store: { cow: string; origin: string }, dir: string): Promise<Session> {
  const app = await openServer(browser, [store.cow, '--origin', store.origin, '--write'], dir);
  await app.page.getByRole('heading', { name: 'Overview' }).waitFor();
  return app;
}

/**
 * The hooks every browser spec shares: one Chromium for the file, and after each test the
 * console checked free of errors, the page and its server closed. Start sessions with `open`.
 */
export function browserHarness(): { readonly browser: Browser; open(start: (browser: Browser) => Promise<Session>): Promise<Session> } {
  let browser: Browser | undefined;
  let app: Session | null = null;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());
  afterEach(async () => {
    if (!app) return;
    const current = app;
    app = null;
    try {
      expect(current.errors, 'browser console errors').toEqual([]);
    } finally {
      await current.close();
    }
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error('the browser starts in beforeAll');
      return browser;
    },
    async open(start) {
      if (!browser) throw new Error('the browser starts in beforeAll');
      app = await start(browser);
      return app;
    },
  };
}
