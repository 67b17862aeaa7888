// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { appOverEngine, demoStore, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// "Go to chunk" went grey for a chunk past the device's end (or not a number) and said nothing:
// the user could not tell a typo from a button that does not work.
it('Occupancy: a chunk the device does not have says why Go to chunk is off', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore(await demoStore(app.client, dir));
  const count = app.store.getState().info!.chunkCount;
  render(<App store={app.store} />);
  app.store.getState().navigate('bitmap');
  const field = (await screen.findByLabelText('Go to COW chunk')) as HTMLInputElement;
  const go = screen.getByRole('button', { name: 'Go to chunk' }) as HTMLButtonElement;

  fireEvent.change(field, { target: { value: String(count + 10) } });
  expect(go.disabled).toBe(true);
  expect(field.getAttribute('aria-invalid')).toBe('true');
  expect(screen.getByTestId('go-to-why').textContent).toBe(`This device has chunks 0–${(count - 1).toLocaleString('en-US')}.`);
  fireEvent.change(field, { target: { value: 'abc' } });
  expect(screen.getByTestId('go-to-why').textContent).toBe('A chunk number is a whole number, 0 or more.');
  fireEvent.change(field, { target: { value: '7' } });
  expect(go.disabled).toBe(false);
  expect(screen.queryByTestId('go-to-why')).toBeNull();
});
