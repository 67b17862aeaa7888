// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { TeachEngineContext } from '../../src-renderer/features/teach/engine/engine-context.ts';
import { inProcessTeachEngine } from '../../src-renderer/features/teach/worker/in-process.ts';
import { appOverEngine, tempDir } from './fixtures.ts';

beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => null) as never;
});

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

// In free play before any snapshot, Write snapshot, Delete and Merge were grey with nothing
// saying why; a learner could not tell what to do first.
it('teach operations that need a snapshot say so while there is none', async () => {
  const app = appOverEngine(tempDir());
  service = app.service;
  window.history.replaceState(null, '', '#/start');
  render(
    <TeachEngineContext.Provider value={inProcessTeachEngine}>
      <App store={app.store} />
    </TeachEngineContext.Provider>,
  );
  const start = await screen.findByRole('region', { name: 'Open a snapshot exception store' });
  fireEvent.click(within(start).getByRole('button', { name: 'Teach' }));
  await screen.findByRole('heading', { name: 'Teach' });
  fireEvent.change(screen.getByLabelText('Lesson'), { target: { value: (screen.getByRole('option', { name: 'Free play: an empty store' }) as HTMLOptionElement).value } });
  const ops = await screen.findByRole('region', { name: 'Operations' });
  for (const name of ['Write snapshot', 'Delete', 'Merge']) {
    const button = within(ops).getByRole('button', { name }) as HTMLButtonElement;
    expect(button.disabled, name).toBe(true);
    expect(button.title, name).toBe('Create a snapshot first');
  }
});
