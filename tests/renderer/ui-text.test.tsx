// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { NAV, navEnabled } from '../../src-renderer/app/nav.ts';
import { appOverEngine, demoStore, kernelFixture, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// The Tools view showed Markdown: "for `snapscope restore` or a diff", backticks and all.
it('no view shows Markdown backticks, for either format', async () => {
  for (const open of ['shared', 'persistent'] as const) {
    const dir = tempDir();
    const app = appOverEngine(dir);
    service = app.service;
    const files = open === 'shared' ? await demoStore(app.client, dir) : kernelFixture('p-basic-c8', dir);
    await app.store.getState().openStore({ ...files, write: true });
    render(<App store={app.store} />);
    // Teach runs its engine in a Worker, which jsdom lacks (its own tests cover it).
    for (const entry of NAV.filter((n) => navEnabled(n, open) && n.route !== 'teach')) {
      app.store.getState().navigate(entry.route);
      const heading = await screen.findAllByRole('heading', { level: 1 });
      expect(heading.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(document.body.textContent, `${entry.label} (${open})`).not.toContain('`');
    }
    cleanup();
    await service.dispose();
    service = undefined;
  }
});
