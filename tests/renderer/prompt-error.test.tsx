// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
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

/** The app over a writable demo store, on the Overview, with the Create dialog open. */
async function createDialog() {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore({ ...(await demoStore(app.client, dir)), write: true });
  render(<App store={app.store} />);
  app.store.getState().navigate('overview');
  await screen.findByRole('heading', { name: 'Snapshots' });
  fireEvent.click(screen.getByRole('button', { name: 'Create snapshot' }));
  const dialog = await screen.findByRole('dialog', { name: 'Create a snapshot' });
  return { app, dialog, input: within(dialog).getByRole('textbox', { name: 'Name' }) };
}

// A refused name showed its error under the field, but the field itself was not marked: a screen
// reader on the field heard nothing of why Create had failed.
it('a name the engine refuses marks its field invalid, described by the error', async () => {
  const { app, dialog, input } = await createDialog();
  const taken = app.store.getState().info!.snapshots[0]!.name;
  expect(input.getAttribute('aria-invalid')).not.toBe('true');
  fireEvent.change(input, { target: { value: taken } });
  fireEvent.click(within(dialog).getByRole('button', { name: 'Create' }));
  const alert = await within(dialog).findByRole('alert');
  expect(input.getAttribute('aria-invalid')).toBe('true');
  expect(input.getAttribute('aria-describedby')).toBe(alert.id);
  expect(alert.textContent).toContain(`"${taken}" exists already`);
  // A new name clears the mark.
  fireEvent.change(input, { target: { value: `${taken}-2` } });
  expect(input.getAttribute('aria-invalid')).not.toBe('true');
});

// Enter on an empty name did nothing at all (the confirm button is disabled): a keyboard or screen
// reader user heard no reason. It says why, in the dialog, and marks the field.
it('Enter on an empty name says the name is needed and marks the field', async () => {
  const { app, dialog, input } = await createDialog();
  const before = app.store.getState().info!.snapshots.length;
  fireEvent.change(input, { target: { value: '   ' } });
  // Marked disabled, yet not `disabled`: a disabled default button makes the browser ignore Enter in the field.
  const create = within(dialog).getByRole('button', { name: 'Create' });
  expect(create.getAttribute('aria-disabled')).toBe('true');
  expect(create.hasAttribute('disabled')).toBe(false);
  fireEvent.submit(input.closest('form')!);
  const alert = await within(dialog).findByRole('alert');
  expect(alert.textContent).toMatch(/name is empty/i);
  expect(input.getAttribute('aria-invalid')).toBe('true');
  expect(input.getAttribute('aria-describedby')).toBe(alert.id);
  expect(app.store.getState().info!.snapshots.length).toBe(before);
  // Typing a name clears the mark.
  fireEvent.change(input, { target: { value: 'weekly' } });
  expect(input.getAttribute('aria-invalid')).not.toBe('true');
});
