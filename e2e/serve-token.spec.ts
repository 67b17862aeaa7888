import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../src-core/api/contract.ts';
import { tempDir } from './app.ts';
import { chromiumMissing, launch, screenshot } from './browser.ts';
import { makeDemoStore } from './demo-store.ts';
import { serve } from './server.ts';

const missing = chromiumMissing();

/**
 * The token in a real browser (issue 12 point 12, issue 15): it leaves the address bar after the
 * first load, no request carries a Referer, the page script cannot read the cookie, a reload works
 * from the cookie alone, and a restarted server (same port, the kept token) accepts the page.
 */
(missing ? describe.skip : describe)(missing ? `serve token e2e skipped: ${missing}` : 'the serve token in Chromium', () => {
  it('is stripped from the address bar, never sent as a Referer, and survives a reload and a server restart', async () => {
    const dir = tempDir('serve-token');
    const store = makeDemoStore(dir);
    const env = { XDG_DATA_HOME: dir, HOME: dir, XDG_RUNTIME_DIR: '' };
    let served = await serve([store.cow, store.origin], env);
    const first = new URL(served.url);
    const token = first.searchParams.get(CHANNELS.tokenParam)!;
    const browser = await launch();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const referers: string[] = [];
      page.on('request', (r) => {
        const ref = r.headers()['referer'];
        if (ref) referers.push(`${r.url()} <- ${ref}`);
      });
      await page.goto(served.url);
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      expect(page.url()).not.toContain(token);
      expect(new URL(page.url()).searchParams.has(CHANNELS.tokenParam)).toBe(false);
      expect(await page.evaluate(() => document.cookie)).toBe(''); // HttpOnly: no script reads it

      await page.reload();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await screenshot(page, 'serve-token-after-reload');

      await served.stop();
      served = await serve([store.cow, store.origin, '--port', first.port], env);
      expect(new URL(served.url).searchParams.get(CHANNELS.tokenParam)).toBe(token);
      await page.reload();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      expect(referers).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
      await served.stop();
    }
  });
});
