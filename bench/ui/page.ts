/// <reference lib="dom" />
/**
 * Measurements taken inside the page (performance.now, requestAnimationFrame), so Playwright's
 * polling adds nothing: each resolves once the condition holds and the next frame is painted.
 */
import type { Page } from 'playwright-core';

/** Runs `act` (by kind) and resolves with the ms until `selector` matches (text `text` when given) and a frame is painted. */
export function untilPainted(page: Page, act: { click?: string; key?: { target: string; key: string }; wheel?: { target: string; deltaY: number } }, selector: string, text?: string): Promise<number> {
  return page.evaluate(
    ([act, selector, text]) =>
      new Promise<number>((resolve, reject) => {
        const ok = (): boolean => {
          const el = document.querySelector(selector);
          return !!el && (text === undefined || el.textContent === text);
        };
        const t0 = performance.now();
        if (act.click) {
          const el = document.querySelector<HTMLElement>(act.click);
          if (!el) return reject(new Error(`nothing matches ${act.click}`));
          el.click();
        } else if (act.key) {
          const el = document.querySelector<HTMLElement>(act.key.target);
          if (!el) return reject(new Error(`nothing matches ${act.key.target}`));
          el.focus();
          el.dispatchEvent(new KeyboardEvent('keydown', { key: act.key.key, bubbles: true, cancelable: true }));
        } else if (act.wheel) {
          const el = document.querySelector<HTMLElement>(act.wheel.target);
          if (!el) return reject(new Error(`nothing matches ${act.wheel.target}`));
          const r = el.getBoundingClientRect();
          el.dispatchEvent(new WheelEvent('wheel', { deltaY: act.wheel.deltaY, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true }));
        }
        const started = performance.now();
        const check = (): void => {
          if (ok()) {
            requestAnimationFrame(() => resolve(performance.now() - t0));
            return;
          }
          if (performance.now() - started > 60_000) return reject(new Error(`${selector} ${text ?? ''} not seen in 60 s`));
          requestAnimationFrame(check);
        };
        check();
      }),
    [act, selector, text] as const,
  );
}

/**
 * Drags on the occupancy canvas for `ms` (a pointer moving up and down every frame) and returns
 * the canvas repaints per second (its data-frames counter) and the longest frame.
 */
export function occupancyDrag(page: Page, ms: number): Promise<{ fps: number; worstFrame: number; paintMs: number }> {
  return page.evaluate(
    (ms) =>
      new Promise<{ fps: number; worstFrame: number; paintMs: number }>((resolve) => {
        const canvas = document.querySelector<HTMLCanvasElement>('.viz canvas')!;
        const r = canvas.getBoundingClientRect();
        const x = r.left + r.width / 2;
        const y0 = r.top + r.height / 2;
        const fire = (type: string, y: number): void => {
          canvas.dispatchEvent(new PointerEvent(type, { bubbles: true, clientX: x, clientY: y, buttons: type === 'pointerup' ? 0 : 1, pointerId: 1, isPrimary: true }));
        };
        fire('pointerdown', y0);
        const paints0 = Number(canvas.dataset.frames ?? 0);
        const t0 = performance.now();
        let last = t0;
        let worst = 0;
        const paints: number[] = [];
        const frame = (now: number): void => {
          worst = Math.max(worst, now - last);
          last = now;
          paints.push(Number(canvas.dataset.paintMs ?? 0));
          const t = now - t0;
          if (t >= ms) {
            fire('pointerup', y0);
            paints.sort((a, b) => a - b);
            resolve({ fps: ((Number(canvas.dataset.frames ?? 0) - paints0) * 1000) / t, worstFrame: worst, paintMs: paints[Math.floor(paints.length / 2)] ?? 0 });
            return;
          }
          fire('pointermove', y0 + Math.sin((t / 500) * Math.PI) * r.height * 0.3);
          requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    ms,
  );
}

/** Frames per second and the longest frame while `during` runs (real input through Playwright). */
export async function framesDuring(page: Page, during: () => Promise<void>): Promise<{ fps: number; worstFrame: number }> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: { n: number; worst: number; last: number; t0: number; on: boolean } };
    w.__frames = { n: 0, worst: 0, last: performance.now(), t0: performance.now(), on: true };
    const tick = (now: number): void => {
      const f = w.__frames;
      if (!f.on) return;
      f.n++;
      f.worst = Math.max(f.worst, now - f.last);
      f.last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await during();
  return page.evaluate(() => {
    const f = (window as unknown as { __frames: { n: number; worst: number; t0: number; on: boolean } }).__frames;
    f.on = false;
    return { fps: (f.n * 1000) / (performance.now() - f.t0), worstFrame: f.worst };
  });
}

/** Boxes on the widest level of the B-tree view's layout (its svg says). */
const widest = (page: Page): Promise<number> => page.evaluate(() => Number(document.querySelector('svg.tree-svg')?.getAttribute('data-widest')));

/**
 * From the first level-2 node (expanded, all its children shown), opens its next siblings with the
 * keyboard as a user would (→ to the sibling, Enter to expand it, ↓ End Enter to show all its
 * children) until the widest level holds `want` boxes or no sibling is left; resolves with that width.
 */
export async function widenLevel(page: Page, want: number): Promise<number> {
  const selected = '[role="treeitem"][aria-selected="true"]';
  const drawn = (ms: number): Promise<boolean> =>
    page
      .waitForSelector(selected, { state: 'attached', timeout: ms })
      .then(() => true)
      .catch(() => false);
  /** The keyboard's box: key, kind, expanded, level (null while it is off the drawn window). */
  const at = (): Promise<{ key: string; kind: string; expanded: string | null; level: string } | null> =>
    page.evaluate((sel) => {
      const el = document.querySelector(sel);
      return el ? { key: el.getAttribute('data-key')!, kind: el.getAttribute('data-kind')!, expanded: el.getAttribute('aria-expanded'), level: el.getAttribute('aria-level')! } : null;
    }, selected);
  // Arrows work from the view itself when the keyboard's box is off the drawn window; Enter needs the box.
  const key = async (k: string): Promise<void> => {
    await drawn(k === 'Enter' ? 10_000 : 500);
    await page.evaluate(([k, sel]) => {
      const el = document.querySelector(sel) ?? document.querySelector('.viz');
      el?.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
    }, [k, selected] as const);
  };
  const ok = (p: Promise<unknown>): Promise<boolean> => p.then(() => true).catch(() => false);
  const minute = { timeout: 60_000 };
  await key('Home');
  await drawn(10_000);
  let node = (await at())?.key ?? null;
  while (node !== null && (await widest(page)) < want) {
    await key('ArrowRight');
    const moved = await ok(
      page.waitForFunction(
        ([sel, from]) => {
          const el = document.querySelector(sel);
          return el && el.getAttribute('data-key') !== from && el.getAttribute('aria-level') === '2';
        },
        [selected, node] as const,
        minute,
      ),
    );
    const here = moved ? await at() : null;
    if (!here) break; // the last node of the level
    node = here.key;
    if (here.kind === 'more') {
      // The root's own fold: Enter shows every level-2 node and leaves the keyboard on the root;
      // ↓ goes back to its first child, and → walks on past the nodes already open.
      await key('Enter');
      await page.waitForTimeout(1000);
      await key('ArrowDown');
      await ok(page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-level') === '2', selected, minute));
      node = (await at())?.key ?? null;
      continue;
    }
    if (here.expanded === 'false') {
      // Its first children join the level below (the box itself may have moved out of the drawn window).
      const before = await widest(page);
      await key('Enter');
      if (!(await ok(page.waitForFunction((b) => Number(document.querySelector('svg.tree-svg')?.getAttribute('data-widest')) > b, before, minute)))) break;
    }
    await key('ArrowDown');
    await key('End');
    await drawn(10_000);
    const last = await at();
    if (last?.kind === 'more') {
      // Enter on the fold shows the rest and leaves the keyboard on the parent.
      const before = await widest(page);
      await key('Enter');
      await ok(page.waitForFunction((b) => Number(document.querySelector('svg.tree-svg')?.getAttribute('data-widest')) > b, before, minute));
    } else await key('ArrowUp');
  }
  return widest(page);
}
