// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
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

// "Find an origin chunk" answered with the path to the leaf whose range holds the chunk, the same
// for a chunk with exceptions and for one no snapshot ever copied (origin 99,999,999): a learner
// could not tell whether the chunk was found.
it('the B-tree search says whether the leaf maps the chunk, and to which COW chunks', async () => {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  const demo = await demoStore(app.client, dir);
  await app.store.getState().openStore(demo);
  const session = app.store.getState().session!.session;
  render(<App store={app.store} />);
  app.store.getState().navigate('btree');
  await screen.findByRole('heading', { name: /^Root / });

  const found = await app.client.pathTo({ session, key: 0 });
  const leaf = await app.client.leafDetail({ session, chunk: found.leaf });
  const cows = leaf.leaf.entries.find((e) => e.origin === 0)!.exceptions.map((x) => x.chunk);
  expect(cows.length).toBeGreaterThan(0);
  await app.store.getState().searchKey(0);
  const answer = await screen.findByTestId('search-answer');
  await waitFor(() => expect(answer.textContent).toBe(`Leaf ${found.leaf} maps it to ${cows.length === 1 ? 'COW chunk' : 'COW chunks'} ${cows.join(', ')}.`));

  await app.store.getState().searchKey(99_999_999);
  await waitFor(() => expect(screen.getByTestId('search-answer').textContent).toMatch(/^Leaf \d+ holds no exception for it: every snapshot reads it from the origin\.$/));
});
