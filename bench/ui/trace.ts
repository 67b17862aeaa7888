import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** Categories for where a frame's time goes: main thread, compositor, GPU process (viz), V8. */
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'v8', 'v8.execute', 'blink', 'viz', 'cc', 'gpu'].join(',');

/**
 * Runs `during` under a Chromium trace (CDP Tracing) and writes it to `file` as JSON, for
 * https://ui.perfetto.dev or chrome://tracing. The bench does this when SNAPSCOPE_BENCH_TRACE
 * names a directory.
 */
export async function traced(page: Page, file: string, during: () => Promise<unknown>): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const events: unknown[] = [];
  cdp.on('Tracing.dataCollected', (d: { value: unknown[] }) => events.push(...d.value));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  try {
    await during();
  } finally {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ traceEvents: events }));
}
