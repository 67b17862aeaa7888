import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserHarness, openServer, tempDir } from './app.ts';
import { chromiumMissing } from './browser.ts';
import { append, CHUNK_SECTORS, detach, emptyCow, losetup, loopMissing, merge, refreshAfter, writerOnly } from './live-cow.ts';

const why = chromiumMissing() ?? loopMissing();

/**
 * A `dmsetup` that reports one snapshot-merge target over two loop devices, in the kernel's words,
 * where this machine has no device-mapper (the real merge is the qemu suite's, tests/live). The
 * directory to put first on the server's PATH.
 */
function mergeTarget(dir: string, name: string, origin: string, cow: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const majMin = (dev: string): string => fs.readFileSync(`/sys/class/block/${path.basename(dev)}/dev`, 'utf8').trim();
  const table = `${name}: 0 8192 snapshot-merge ${majMin(origin)} ${majMin(cow)} P ${CHUNK_SECTORS}`;
  const status = `${name}: 0 8192 snapshot-merge 416/8192 16`;
  fs.writeFileSync(path.join(bin, 'dmsetup'), `#!/bin/sh\ncase "$1" in\n  table) echo '${table}' ;;\n  status) echo '${status}' ;;\nesac\n`, { mode: 0o755 });
  return bin;
}

/**
 * A live COW in the browser where this machine has no device-mapper: a loop device holding a
 * persistent COW that another process appends to as the kernel would. Opened from the Live view,
 * it refreshes on the timer chosen there, says as of when, highlights the new exceptions on the
 * occupancy map (fading), and is never written. A merging one (a snapshot-merge target, which
 * another process merges from as the kernel would) opens from its row and shows what is left.
 */
(why ? describe.skip : describe)(why ? `live open e2e skipped: ${why}` : 'a live COW opened in Chromium', () => {
  const harness = browserHarness();

  it('opens from the Live view, refreshes on its timer, highlights what the writer added and fades it, never writing', async () => {
    const dir = tempDir('live-open');
    const cow = path.join(dir, 'cow.img');
    emptyCow(cow);
    await append(cow, 0, 30);
    const loop = losetup(cow);
    try {
      const app = await harness.open((browser) => openServer(browser, [], dir));
      const p = app.page;
      await app.view('Live snapshots');
      await p.getByLabel(/A persistent COW on this host/).fill(loop);
      await p.getByRole('button', { name: 'Open live' }).click();
      await p.getByRole('heading', { name: 'Overview' }).waitFor();
      const bar = p.getByRole('region', { name: 'Live COW' });
      await expect.poll(() => bar.textContent()).toMatch(/as of \d\d:\d\d:\d\d/);
      expect(await p.getByRole('button', { name: /Open for writing/ }).count()).toBe(0);
      const asOf = async (): Promise<number> => Number(await p.getByTestId('live-as-of').getAttribute('data-value'));
      const firstRead = await asOf();

      // The timer: every second, the writer's 50 new exceptions appear without a click.
      await bar.getByLabel('Refresh every (seconds)').selectOption('1');
      await app.view('Occupancy');
      const layer = p.getByTestId('fresh-exceptions');
      await append(cow, 30, 80);
      await expect.poll(() => layer.getAttribute('data-fresh'), { timeout: 30_000 }).toBe('50');
      expect(Number(await layer.getAttribute('data-cells'))).toBeGreaterThan(0);
      expect(await asOf()).toBeGreaterThan(firstRead);
      expect(await p.getByTestId('live-fresh').getAttribute('data-value')).toBe('50');
      // ... and fade within the 2 s a one-second timer gives them
      await expect.poll(() => layer.getAttribute('data-alpha'), { timeout: 30_000 }).toBe('0.00');

      // A slow timer and a refresh by hand: the 20 new ones are drawn, then fade (10 s).
      await bar.getByLabel('Refresh every (seconds)').selectOption('60');
      await append(cow, 80, 100);
      await bar.getByRole('button', { name: 'Refresh now' }).click();
      await expect.poll(() => layer.getAttribute('data-fresh'), { timeout: 30_000 }).toBe('20');
      const painted = await layer.evaluate((el) => {
        const c = el as HTMLCanvasElement;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) n++;
        return n;
      });
      expect(painted).toBeGreaterThan(0);
      // The map under the layer holds them too: the last highlighted cell (chunks 100-101, the
      // last two exceptions' data) is no longer free.
      const spot = await layer.evaluate((el) => {
        const c = el as HTMLCanvasElement;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let last = -1;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) last = (i - 3) / 4;
        const box = c.getBoundingClientRect();
        const dpr = c.width / box.width;
        return { x: box.left + (last % c.width) / dpr - 4, y: box.top + Math.floor(last / c.width) / dpr - 4 };
      });
      await p.mouse.move(spot.x, spot.y);
      await expect.poll(() => p.getByRole('tooltip').textContent()).toMatch(/^chunks 100–101\s*only snap: 2/);
      const early = Number(await layer.getAttribute('data-alpha'));
      await new Promise((r) => setTimeout(r, 1500));
      const later = Number(await layer.getAttribute('data-alpha'));
      expect(early).toBeGreaterThan(0);
      expect(later).toBeLessThan(early);
      await app.shot('18-live-open-fresh');

      await app.view('Exception table');
      await expect.poll(() => p.getByTestId('exception-count').getAttribute('data-value')).toBe('100');
      await app.view('Overview');
    } finally {
      detach(loop);
    }
    // Never written: the COW holds exactly what its writer wrote.
    expect(Buffer.compare(fs.readFileSync(cow), await writerOnly(dir, 100))).toBe(0);
  });

  it('opens a merging snapshot (snapshot-merge) from its row: each read shows the table the kernel has left, never written', async () => {
    const dir = tempDir('live-merge');
    const cow = path.join(dir, 'cow.img');
    emptyCow(cow);
    await append(cow, 0, 100);
    const origin = path.join(dir, 'origin.img');
    fs.writeFileSync(origin, Buffer.alloc(4 << 20));
    const loops = [losetup(origin), losetup(cow)] as const;
    try {
      const bin = mergeTarget(dir, 'vg-snap', ...loops);
      const app = await harness.open((browser) => openServer(browser, [], dir, { PATH: `${bin}:${process.env['PATH']}` }));
      const p = app.page;
      await app.view('Live snapshots');
      const row = p.getByRole('table', { name: 'Live snapshots' }).getByRole('row').filter({ hasText: 'vg-snap' });
      await expect.poll(() => row.textContent(), { timeout: 30_000 }).toMatch(/merging/);
      await app.shot('18-live-merging-row');
      await row.getByRole('button', { name: 'Open vg-snap on this host live' }).click();
      await p.getByRole('heading', { name: 'Overview' }).waitFor();
      const bar = p.getByRole('region', { name: 'Live COW' });
      await expect.poll(() => bar.textContent()).toMatch(/the kernel merges it/);
      expect(await p.getByRole('button', { name: /Open for writing/ }).count()).toBe(0);

      await refreshAfter(app, () => merge(cow, 100, 40), 'live-merged', 60, 40);
      await app.shot('18-live-open-merging');
    } finally {
      for (const loop of loops) detach(loop);
    }
    expect(Buffer.compare(fs.readFileSync(cow), await writerOnly(dir, 100, 40))).toBe(0);
  });
});
