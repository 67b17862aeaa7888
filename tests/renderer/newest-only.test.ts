import { expect, it } from 'vitest';
import { newestOnly } from '../../src-renderer/store/newest-only.ts';

/** A run the test ends by hand: the host answering a call. */
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

// The occupancy detail and summary each keep one request in flight and the newest waiting: a burst
// of asks while one runs is one more run, with the last value, and every caller waits for the end.
it('runs one at a time; asks made meanwhile become one more run with the newest value', async () => {
  const ran: number[] = [];
  const gates: ReturnType<typeof gate>[] = [];
  const queue = newestOnly(async (n: number) => {
    ran.push(n);
    const g = gate();
    gates.push(g);
    await g.promise;
  });
  const first = queue.ask(1);
  expect(ran).toEqual([1]);
  expect(queue.waiting()).toBe(false);
  const later = [queue.ask(2), queue.ask(3), queue.ask(4)];
  expect(queue.waiting()).toBe(true);
  expect(ran).toEqual([1]);
  let done = false;
  void first.then(() => (done = true));
  gates[0]!.open();
  await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
  expect(ran).toEqual([1, 4]);
  expect(queue.waiting()).toBe(false);
  expect(done, 'callers wait for the newest run').toBe(false);
  gates[1]!.open();
  await Promise.all([first, ...later]);
  expect(ran).toEqual([1, 4]);
  // Idle again: the next ask runs at once.
  const again = queue.ask(5);
  expect(ran).toEqual([1, 4, 5]);
  gates[2]!.open();
  await again;
});

// A run may ask again itself (the summary does when the store changed under it): one more run follows.
it('an ask from inside a run is one more run after it', async () => {
  const ran: string[] = [];
  const queue = newestOnly(async (what: string) => {
    ran.push(what);
    await Promise.resolve();
    if (what === 'first') void queue.ask('again');
  });
  await queue.ask('first');
  expect(ran).toEqual(['first', 'again']);
});
