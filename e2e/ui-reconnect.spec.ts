import { describe, expect, it } from 'vitest';
import { apiCall } from './api.ts';
import { browserHarness, type Session, tempDir } from './app.ts';
import { chromiumMissing, openPage, screenshot } from './browser.ts';
import { makeDemoStore } from './demo-store.ts';
import { serve, type Served } from './server.ts';
import { freePort } from './ui-truth.ts';

const missing = chromiumMissing();

// Issue 15, problem 3: a server restart stranded the page (401 forever, "it will reconnect", the store still shown as open).
(missing ? describe.skip : describe)(missing ? `reconnect e2e skipped: ${missing}` : 'the page survives a restart of snapscope serve', () => {
  const harness = browserHarness();

  it('serve killed: the page says so at once; serve restarted (same token file, no store): the page reconnects and reopens its store by itself', async () => {
    const dir = tempDir('reconnect');
    const { cow, origin } = makeDemoStore(dir);
    const port = await freePort();
    const env = { XDG_DATA_HOME: dir, XDG_RUNTIME_DIR: dir, HOME: dir };
    const args = [cow, '--origin', origin, '--port', String(port)];
    let served: Served = await serve(args, env);
    const app = await harness.open(async (browser) => {
      const { page, errors } = await openPage(browser, served.url);
      const session: Session = {
        page,
        errors,
        dir,
        get served() {
          return served;
        },
        shot: (name) => screenshot(page, name),
        view: async () => undefined,
        close: async () => {
          await page.context().close();
          await served.stop();
        },
      };
      return session;
    });
    const { page } = app;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const connection = page.getByTestId('connection');
    expect(await connection.getAttribute('data-state')).toBe('connected');

    await served.stop();
    await expect.poll(() => connection.getAttribute('data-state'), { timeout: 5000 }).not.toBe('connected');
    await page.getByTestId('connection-notice').waitFor();
    await app.shot('15-3-server-lost');
    await expect.poll(() => connection.getAttribute('data-state'), { timeout: 20_000 }).toBe('gone');
    expect(await page.getByTestId('connection-notice').textContent()).toContain('snapscope serve');
    await app.shot('15-3-server-gone');

    // Restarted without the store: the page opens it again by itself.
    served = await serve(['--port', String(port)], env);
    await expect.poll(() => connection.getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');
    expect(await page.getByTestId('connection-notice').count()).toBe(0);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await expect.poll(async () => (await apiCall(served.url, 'sessions', {})).sessions.map((s) => s.cow), { timeout: 10_000 }).toEqual([cow]);
    // The new server's session: the page works against it (a write-free call that needs the session).
    await page.getByRole('button', { name: 'Reload from disk' }).click();
    await page.waitForTimeout(500);
    expect(await page.getByTestId('sync-error').count()).toBe(0);
    expect(await page.getByText(cow).count()).toBeGreaterThan(0);
    await app.shot('15-3-reconnected');
    // Calls that failed while the server was down logged console errors of their own (failed fetches): not the page's fault.
    app.errors.length = 0;
  });

  it('a server with another token: the page says what to do, with the command, not a bare "unauthorized"', async () => {
    const dir = tempDir('reconnect-token');
    const { cow, origin } = makeDemoStore(dir);
    const port = await freePort();
    const env = { XDG_DATA_HOME: dir, XDG_RUNTIME_DIR: dir, HOME: dir };
    let served: Served = await serve([cow, '--origin', origin, '--port', String(port)], env);
    const app = await harness.open(async (browser) => {
      const { page, errors } = await openPage(browser, served.url);
      return {
        page,
        errors,
        dir,
        get served() {
          return served;
        },
        shot: (name: string) => screenshot(page, name),
        view: async () => undefined,
        close: async () => {
          await page.context().close();
          await served.stop();
        },
      };
    });
    const { page } = app;
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await served.stop();
    served = await serve([cow, '--origin', origin, '--port', String(port), '--new-token'], env);
    const connection = page.getByTestId('connection');
    await expect.poll(() => connection.getAttribute('data-state'), { timeout: 20_000 }).toBe('unauthorized');
    const notice = await page.getByTestId('connection-notice').textContent();
    expect(notice).toContain('another token');
    expect(notice).toContain('snapscope serve');
    await app.shot('15-3-token-refused');
    app.errors.length = 0;
  });
});
