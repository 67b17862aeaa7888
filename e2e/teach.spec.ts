import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { StoreInfo } from '../src-core/api/contract.ts';
import { lessonById, TeachSession } from '../src-core/teach/index.ts';
import { browserHarness, copyStore, openServed, openServer, tempDir } from './app.ts';
import { chromiumMissing, screenshot } from './browser.ts';
import { cliJson, makeDemoStore } from './demo-store.ts';

const missing = chromiumMissing();

/** The stage as markup with attributes in a fixed order (React may reorder them), animations aside. */
function stageMarkup(page: Page): Promise<string> {
  return page.locator('.teach-stage').evaluate((root) => {
    const canon = (el: Element): string => {
      const attrs = [...el.attributes].filter((a) => a.value !== '' || a.name !== 'style').map((a) => `${a.name}=${a.value}`).sort();
      const kids = [...el.childNodes].map((n) => (n.nodeType === 3 ? n.textContent : n instanceof Element ? canon(n) : '')).join('');
      return `<${el.tagName} ${attrs.join(' ')}>${kids}</>`;
    };
    // The camera transform depends on the viewport, not on the step.
    return canon(root).replace(/transform=translate\([^)]*\) scale\([^)]*\)/g, '');
  });
}

(missing ? describe.skip : describe)(missing ? `teach e2e skipped: ${missing}` : 'teaching mode in Chromium against snapscope serve', () => {
  const harness = browserHarness();

  it('runs "When a leaf is full" end to end: Play, Pause, Step forward, Step back, the question answered by clicking the new leaf, export and import', async () => {
    const dir = tempDir('teach');
    const p = (await harness.open((browser) => openServer(browser, [], dir))).page;
    const lesson = TeachSession.forLesson(lessonById('leaf-split')!);
    const kinds = lesson.steps.map((s) => s.kind);
    const split = lesson.steps[kinds.indexOf('leaf-split')]!.events.find((e) => e.type === 'leaf-split');
    if (split?.type !== 'leaf-split') throw new Error('the lesson has no leaf split');

    await p.getByRole('region', { name: 'Open a snapshot exception store' }).getByRole('button', { name: 'Teach' }).click();
    await p.getByRole('heading', { name: 'Teach', exact: true }).waitFor();
    await p.getByLabel('Lesson', { exact: true }).selectOption('leaf-split');
    await p.getByRole('heading', { name: 'When a leaf is full' }).waitFor();
    // The engine runs off the UI thread, in the teach worker.
    expect(p.workers().map((w) => w.url())).toContainEqual(expect.stringMatching(/teach\.worker-[\w-]+\.js$/));
    const text = () => p.getByTestId('step-text').textContent();
    const position = async () => Number(await p.getByTestId('step-counter').getAttribute('data-position'));
    const forwardTo = async (target: number) => {
      while ((await position()) < target) await p.getByRole('button', { name: 'Step forward' }).click();
    };
    expect(await text()).toBe(lesson.steps[0]!.text);
    await p.waitForTimeout(600); // boxes fade in
    await screenshot(p, 'teach-01-lesson');

    // Play runs on by itself; Pause holds the step.
    await p.getByRole('button', { name: 'Play' }).click();
    await expect.poll(position, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await p.getByRole('button', { name: 'Pause' }).click();
    const held = await position();
    await p.waitForTimeout(1800);
    expect(await position()).toBe(held);

    await forwardTo(kinds.indexOf('probe'));
    expect(await text()).toBe(lesson.steps[kinds.indexOf('probe')]!.text);
    expect(await p.locator('.teach-box.path').count()).toBe(2);
    await p.waitForTimeout(500);
    await screenshot(p, 'teach-02-probe');

    // The split: the upper half in a new leaf, beside the old one until the root takes its key.
    await forwardTo(kinds.indexOf('leaf-split'));
    expect(await text()).toBe(lesson.steps[kinds.indexOf('leaf-split')]!.text);
    await p.locator(`.teach-box.detached[data-chunk="${split.newLeaf}"]`).waitFor();
    await p.waitForTimeout(600);
    await screenshot(p, 'teach-03-leaf-split');
    const atSplit = await stageMarkup(p);

    // Step back is a true reverse: back, forward, and the stage is what it was.
    await p.getByRole('button', { name: 'Step back' }).click();
    expect(await text()).toBe(lesson.steps[kinds.indexOf('leaf-split') - 1]!.text);
    expect(await p.locator(`.teach-box[data-chunk="${split.newLeaf}"]`).count()).toBe(0);
    await p.getByRole('button', { name: 'Step forward' }).click();
    expect(await stageMarkup(p)).toBe(atSplit);

    // The question comes at the last step; pointing at the wrong block says why it is wrong.
    await forwardTo(lesson.last);
    await p.getByText('Point at the new leaf that took the upper half.').waitFor();
    const verdict = p.getByRole('region', { name: 'When a leaf is full' }).getByRole('status');
    await p.locator(`.teach-box[data-chunk="${split.leaf}"]`).click();
    // The verdict is rendered after the click's state update: wait for it rather than read at once.
    await expect.poll(() => verdict.textContent(), { timeout: 5000 }).toMatch(new RegExp(`^Not quite: chunk ${split.leaf} is a leaf holding origin chunks 0–9\\.`));
    await p.locator(`.teach-box[data-chunk="${split.newLeaf}"]`).click();
    await expect.poll(() => verdict.textContent(), { timeout: 5000 }).toMatch(new RegExp(`^Right: leaf ${split.newLeaf} took origin chunks 10 and up`));
    await p.waitForTimeout(600);
    await screenshot(p, 'teach-04-answered');

    // Export, start another lesson, import: back at the same step of the same lesson.
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: 'Export' }).click()]);
    const saved = path.join(dir, 'lesson.json');
    await download.saveAs(saved);
    expect(JSON.parse(fs.readFileSync(saved, 'utf8'))).toMatchObject({ snapscopeTeach: 1, lesson: 'leaf-split', position: lesson.last });
    await p.getByLabel('Lesson', { exact: true }).selectOption('cow-origin');
    await p.getByRole('heading', { name: 'Copy-on-write from the origin' }).waitFor();
    await p.getByLabel('Lesson file').setInputFiles(saved);
    await p.getByRole('heading', { name: 'When a leaf is full' }).waitFor();
    expect(await position()).toBe(lesson.last);
    expect(await text()).toBe(lesson.steps[lesson.last]!.text);
  });

  // teach.css once had its dark colours under prefers-color-scheme only: wrong whenever the toggle disagreed with the system.
  it('teaching colours follow the theme toggle, whatever the system scheme', async () => {
    const p = (await harness.open((browser) => openServer(browser, [], tempDir('teach-theme')))).page;
    // This lesson splits a leaf, then a node: at the leaf split the node split is a shape step that is not the current one.
    const lesson = TeachSession.forLesson(lessonById('grow')!);
    const splitAt = lesson.steps.findIndex((s) => s.kind === 'leaf-split');
    await p.getByRole('region', { name: 'Open a snapshot exception store' }).getByRole('button', { name: 'Teach' }).click();
    await p.getByLabel('Lesson', { exact: true }).selectOption('grow');
    await p.getByRole('heading', { name: 'The tree grows a level' }).waitFor();
    while (Number(await p.getByTestId('step-counter').getAttribute('data-position')) < splitAt) await p.getByRole('button', { name: 'Step forward' }).click();
    await p.locator('.teach-box.changed rect.leaf-box').first().waitFor();

    // A split's badge, a split in the timeline (not the current step) and a changed leaf's fill.
    const colours = () =>
      p.evaluate(() => {
        const style = (selector: string) => getComputedStyle(document.querySelector(selector)!);
        return {
          badge: style('.step-head .badge.kind-leaf-split').color,
          timeline: style('.timeline-step.shape:not(.current)').color,
          changed: style('.teach-box.changed rect.leaf-box').fill,
        };
      });
    const light = { badge: 'rgb(138, 90, 0)', timeline: 'rgb(138, 90, 0)', changed: 'rgb(255, 247, 220)' };
    const dark = { badge: 'rgb(243, 201, 105)', timeline: 'rgb(243, 201, 105)', changed: 'rgb(58, 50, 22)' };
    const theme = p.getByTestId('theme');
    const seen = [];
    const wanted = [];
    for (const system of ['light', 'dark'] as const) {
      await p.emulateMedia({ colorScheme: system });
      for (const toggle of ['system', 'light', 'dark'] as const) {
        while ((await theme.getAttribute('data-value')) !== toggle) await theme.click();
        seen.push({ system, toggle, ...(await colours()) });
        wanted.push({ system, toggle, ...((toggle === 'system' ? system : toggle) === 'dark' ? dark : light) });
      }
    }
    expect(seen).toEqual(wanted);
  });

  it('teaches on the open store through an overlay: the store on disk does not change', async () => {
    const dir = tempDir('teach-overlay');
    const store = copyStore(makeDemoStore(tempDir('teach-demo')), dir);
    const before = cliJson<StoreInfo>('info', store.cow);
    const app = await harness.open((browser) => openServed(browser, store, dir));
    const p = app.page;
    await app.view('Teach');
    await p.getByLabel('Lesson', { exact: true }).selectOption('open-store');
    await p.getByRole('heading', { name: 'The open store' }).waitFor({ timeout: 30_000 });
    await p.getByRole('region', { name: 'The open store' }).getByText(store.cow, { exact: true }).waitFor();
    expect(await p.getByTestId('step-text').textContent()).toMatch(new RegExp(`opened through an in-memory overlay: ${before.snapshots.length} snapshots, ${before.exceptions} copies`));

    await p.getByRole('textbox', { name: 'Operation' }).fill('write origin 3');
    await p.getByRole('button', { name: 'Run' }).click();
    await p.getByRole('button', { name: 'Pause' }).click();
    expect(await p.getByTestId('step-text').textContent()).toMatch(/^Look up origin chunk 3 in the B-tree: follow the keys down root node \d+ (→ node \d+ )*→ leaf \d+/);
    await p.getByRole('button', { name: 'Step forward' }).click();
    expect(await p.getByTestId('step-text').textContent()).toMatch(/^Origin chunk 3 is about to change\. Active snapshots: snapshots 0 \(“base”\)/);
    await p.waitForTimeout(600);
    await screenshot(p, 'teach-05-overlay');

    const after = cliJson<StoreInfo>('info', store.cow);
    expect(after.exceptions).toBe(before.exceptions);
    expect(after.header).toEqual(before.header);
  });
});
