// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { createClient, type Method } from '../../src-core/api/contract.ts';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { createAppStore } from '../../src-renderer/store/index.ts';
import { appOverEngine, kernelFixture, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// The areas' read failing left the Areas card saying "Reading the areas…" for good; the error went
// to the exception table's alert, whose Try again reloaded the table, not the areas.
it('the Areas card says why the areas could not be read, and its Try again reads them again', async () => {
  const dir = tempDir();
  const { service: engine } = appOverEngine(dir);
  service = engine;
  // The real engine, its first `areas` answer a read error (as a disk gone bad would give).
  let fail = 1;
  const client = createClient({
    call: (method: Method, args: unknown) =>
      method === 'areas' && fail-- > 0 ? Promise.resolve({ ok: false as const, error: { code: 'io' as const, message: 'reading metadata area 1 (chunk 258): EIO', where: { chunk: 258 } } }) : engine.call(method, args),
    subscribe: (listener) => engine.subscribe(listener),
  });
  const store = createAppStore(client);
  await store.getState().openStore(kernelFixture('p-multiarea-c8', dir));
  render(<App store={store} />);
  store.getState().navigate('persistent');
  const card = await screen.findByRole('region', { name: 'Areas' });
  const alert = await within(card).findByRole('alert');
  expect(alert.textContent).toContain('reading metadata area 1 (chunk 258): EIO');
  expect(within(card).queryByText('Reading the areas…')).toBeNull();
  // The table read fine: its card has no alert of the areas'.
  expect(within(await screen.findByRole('region', { name: 'Exceptions' })).queryByRole('alert')).toBeNull();
  fireEvent.click(within(card).getByRole('button', { name: 'Try again' }));
  await within(card).findByRole('list', { name: 'Metadata areas' });
  expect(within(card).queryByRole('alert')).toBeNull();
});
