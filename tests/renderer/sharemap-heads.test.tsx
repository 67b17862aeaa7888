// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { appOverEngine, demoStore, tempDir, until } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// The slanted column heads were paint on a canvas: a mouse could hover one for the whole name,
// a keyboard could not reach them at all.
it("the sharemap's column heads are one tab stop, walked by the arrow keys, each telling its whole name", async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const store = await demoStore(app.client, dir);
  await app.store.getState().openStore({ ...store, write: true });
  const long = `nightly-before-kernel-upgrade-${'x'.repeat(40)}`;
  await app.store.getState().renameSnapshot(1, long);
  render(<App store={app.store} />);
  app.store.getState().navigate('leaf');
  await app.store.getState().openLeafOf(48);
  await until(app.store, (s) => s.leafDetail !== null);
  const slots = app.store.getState().leafDetail!.slots;
  const names = new Map(app.store.getState().info!.snapshots.map((s) => [s.slot, s.name]));

  const heads = within(await screen.findByRole('toolbar', { name: 'Sharemap columns' })).getAllByRole('button');
  expect(heads.map((h) => h.getAttribute('aria-label'))).toEqual(slots.map((slot) => `snapshot ${names.get(slot)}`));
  // One tab stop however many columns (roving tabindex).
  expect(heads.map((h) => h.tabIndex)).toEqual(heads.map((_, i) => (i === 0 ? 0 : -1)));

  // Focus shows the whole name, as hovering does.
  act(() => heads[0]!.focus());
  expect(screen.getByRole('tooltip').textContent).toBe(`snapshot ${names.get(slots[0]!)}`);
  const at = slots.indexOf(1);
  for (let i = 0; i < at; i++) fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
  expect(document.activeElement).toBe(heads[at]);
  expect(screen.getByRole('tooltip').textContent).toBe(`snapshot ${long}`);
  expect(heads.map((h) => h.tabIndex)).toEqual(heads.map((_, i) => (i === at ? 0 : -1)));
  fireEvent.keyDown(document.activeElement!, { key: 'End' });
  expect(document.activeElement).toBe(heads.at(-1));
  fireEvent.keyDown(document.activeElement!, { key: 'Home' });
  expect(document.activeElement).toBe(heads[0]);
  fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' });
  expect(document.activeElement, 'the first head stays put').toBe(heads[0]);

  // Enter picks the column, as the legend does.
  fireEvent.click(heads[0]!);
  expect(app.store.getState().highlightSlot).toBe(slots[0]);
  expect(heads[0]!.getAttribute('aria-pressed')).toBe('true');
  act(() => heads[0]!.blur());
  expect(screen.queryByRole('tooltip')).toBeNull();
});
