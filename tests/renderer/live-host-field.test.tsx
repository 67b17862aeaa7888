// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { appOverEngine, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// The host field took "-x" (which the host refuses: an ssh option, not a host), and a bad entry
// got only the browser's "Please match the requested format." — which format, it did not say.
it('the Add host field refuses what the host would, and says what a host looks like', async () => {
  const app = appOverEngine(tempDir());
  service = app.service;
  render(<App store={app.store} />);
  app.store.getState().navigate('live');
  const field = (await screen.findByLabelText(/Add a host/)) as HTMLInputElement;
  const valid = (value: string): boolean => {
    field.value = value;
    return field.checkValidity();
  };
  expect(valid('admin@server')).toBe(true);
  expect(valid('root@[fe80::1]')).toBe(true);
  expect(valid('-oProxyCommand=x')).toBe(false);
  expect(valid('-abc')).toBe(false);
  expect(valid('a'.repeat(256))).toBe(false);
  // Chromium shows the title under its "Please match the requested format."
  expect(field.title).toBe('user@server or server: letters, digits and . _ - : @ [ ], not starting with -');
});
