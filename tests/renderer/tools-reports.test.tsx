// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import type { EngineService } from '../../src-main/host/engine-service.ts';
import { App } from '../../src-renderer/app/App.tsx';
import { ROLE_COLORS, snapshotColor } from '../../src-renderer/viz/colors.ts';
import { appOverEngine, demoStore, kernelFixture, tempDir } from './fixtures.ts';

HTMLCanvasElement.prototype.getContext = (() => null) as never;

let service: EngineService | undefined;
afterEach(async () => {
  cleanup();
  await service?.dispose();
});

/** Opens the store `volume` names, runs Statistics from Tools, and returns its card and report. */
async function statisticsOf(volume: (app: ReturnType<typeof appOverEngine>, dir: string) => Promise<{ cow: string; origin: string }>) {
  const dir = tempDir();
  const app = appOverEngine(dir);
  service = app.service;
  await app.store.getState().openStore(await volume(app, dir));
  render(<App store={app.store} />);
  app.store.getState().navigate('tools');
  await screen.findByRole('heading', { name: 'Tools', level: 1 });
  fireEvent.click(screen.getByRole('button', { name: 'Statistics' }));
  const card = await screen.findByRole('region', { name: 'Statistics' });
  return { card, report: app.store.getState().toolResults.stats! };
}

// Statistics said "leaves 0% full" for every store (a fraction passed where a part of a whole
// was expected), and its sharing chart's bars carried no figure but a hover title.
it('Statistics shows the leaves as full as the engine counts them, and each bar of the sharing chart its count', async () => {
  const { card, report } = await statisticsOf(async (app, dir) => demoStore(app.client, dir));
  expect(report.tree!.leafFill).toBeGreaterThan(0.3);
  expect(card.textContent).toContain(`leaves ${Math.round(report.tree!.leafFill * 100)}% full`);
  const chart = within(card).getByTestId('sharing-chart');
  const bars = [...chart.querySelectorAll('[data-k]')];
  expect(bars.length).toBeGreaterThan(1);
  for (const bar of bars) expect(bar.querySelector('.bar-value')?.textContent).toBe(Number(bar.getAttribute('data-count')).toLocaleString('en-US'));
  // Its colours are the maps': the copies one snapshot alone reads in that snapshot's colour (the
  // bar had the accent blue, which read as the first snapshot's), the shared ones in the shared brown.
  const own = [...bars[0]!.querySelectorAll('rect[data-slot]')];
  expect(own.map((r) => [r.getAttribute('data-slot'), r.getAttribute('fill'), r.getAttribute('data-count')])).toEqual(
    report.snapshots.filter((x) => x.unique > 0).map((x) => [String(x.slot), snapshotColor(x.slot), String(x.unique)]),
  );
  for (const bar of bars.slice(1)) expect(bar.querySelector('rect')!.getAttribute('fill')).toBe(ROLE_COLORS.exception);
  // A screen reader hears the same figures.
  const [first, second] = report.sharing.slice(1);
  expect(chart.getAttribute('aria-label')).toMatch(new RegExp(`^Sharing histogram: ${first} exceptions read by 1 snapshot, ${second} by 2`));
});

// Check said "Blocks walked: 3" of a persistent store's three metadata areas; the CLI says "3 metadata areas".
it("Check names what it walked in the CLI's words, for each format", async () => {
  for (const [open, label] of [
    ['shared', 'Tree blocks walked'],
    ['persistent', 'Metadata areas walked'],
  ] as const) {
    const dir = tempDir();
    const app = appOverEngine(dir);
    service = app.service;
    await app.store.getState().openStore(open === 'shared' ? await demoStore(app.client, dir) : kernelFixture('p-multiarea-c8', dir));
    render(<App store={app.store} />);
    app.store.getState().navigate('tools');
    await screen.findByRole('heading', { name: 'Tools', level: 1 });
    fireEvent.click(screen.getByRole('button', { name: 'Run check' }));
    const blocks = await screen.findByTestId('check-blocks');
    expect(blocks.closest('.stat')!.querySelector('dt')!.textContent, open).toBe(label);
    cleanup();
    await service.dispose();
    service = undefined;
  }
});


// A persistent store holds one snapshot, so every exception is read by exactly one: Statistics drew
// a sharing chart of one bar and Unique/Shared columns that could only say "all" and "none".
it("Statistics on a persistent store shows the COW's space and its metadata areas, not sharing", async () => {
  const { card, report } = await statisticsOf(async (_app, dir) => kernelFixture('p-multiarea-c8', dir));
  const { areas, exceptionsPerArea, kernel } = report.persistent!;
  expect(areas).toBeGreaterThan(1);
  expect(within(card).queryByTestId('sharing-chart')).toBeNull();
  expect([...card.querySelectorAll('th')].map((th) => th.textContent)).not.toContain('Shared');
  // Where the COW's chunks go, as the kernel's status counts them: data, metadata, free.
  const perChunk = report.chunkBytes / 512;
  const data = (kernel.allocatedSectors - kernel.metadataSectors) / perChunk;
  const metadata = kernel.metadataSectors / perChunk;
  const free = (kernel.totalSectors - kernel.allocatedSectors) / perChunk;
  const n = (x: number): string => x.toLocaleString('en-US');
  const space = within(card).getByRole('img', { name: /^COW space/ });
  expect(space.getAttribute('aria-label')).toBe(`COW space: ${n(data)} chunks of exception data, ${n(metadata)} of metadata, ${n(free)} free, of ${n(kernel.totalSectors / perChunk)}`);
  expect(space.querySelectorAll('[data-part]').length).toBe(3);
  // The areas: how many, how many exceptions each holds, how full the last one is.
  const last = report.exceptions - (areas - 1) * exceptionsPerArea;
  expect(screen.getByTestId('stats-areas').textContent).toBe(`${areas} ${n(exceptionsPerArea)} exceptions each; the last holds ${n(last)}`);
});

// The persistent card named each part twice: on the bar ("metadata 4") and again in a legend under
// it ("metadata: 4 chunks (0.4%)"). Like the shared store's chart (figures on the bars, prose under
// them), each part is named once where it is drawn, and a screen reader hears the parts once, in the bar's name.
it("Statistics on a persistent store names each part of the COW's space once", async () => {
  const { card, report } = await statisticsOf(async (_app, dir) => kernelFixture('p-multiarea-c8', dir));
  const { kernel } = report.persistent!;
  const perChunk = report.chunkBytes / 512;
  const parts = { 'exception data': (kernel.allocatedSectors - kernel.metadataSectors) / perChunk, metadata: kernel.metadataSectors / perChunk };
  const figure = card.querySelector('figure')!;
  const bar = within(figure).getByRole('img', { name: /^COW space/ });
  for (const [name, n] of Object.entries(parts)) {
    expect(n).toBeGreaterThan(0);
    const seen = (figure.textContent!.match(new RegExp(`(?<![a-z])${name}(?![a-z])`, 'g')) ?? []).length;
    expect(seen, `"${name}" written once`).toBe(1);
    expect(bar.getAttribute('aria-label'), `${name} in the bar's name`).toContain(n.toLocaleString('en-US'));
  }
  // What a screen reader reads besides the bar names no part again.
  const heard = [...figure.querySelectorAll('figcaption')].map((c) => c.textContent).join(' ');
  expect(heard).not.toMatch(/exception data|metadata/);
});
