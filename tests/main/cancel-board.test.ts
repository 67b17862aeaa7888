import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CancelBoard } from '../../src-main/host/cancel-board.ts';

describe('CancelBoard', () => {
  it('carries a pause request for one job, apart from cancels, and a resume clears only that job', () => {
    const main = new CancelBoard();
    const thread = new CancelBoard(main.buffer);
    main.requestPause('job-3');
    expect(thread.pauseRequested('job-3')).toBe(true);
    expect(thread.pauseRequested('job-4')).toBe(false);
    expect(thread.requested('job-3')).toBe(false);
    main.clearPause('job-4');
    expect(thread.pauseRequested('job-3')).toBe(true);
    main.clearPause('job-3');
    expect(thread.pauseRequested('job-3')).toBe(false);
    main.request('job-3');
    expect(thread.requested('job-3')).toBe(true);
    expect(thread.pauseRequested('job-3')).toBe(false);
  });

  it('is seen by a thread busy in a synchronous step, with no turn of its event loop', async () => {
    const board = new CancelBoard();
    // The worker spins (as a merge's batch would) until the pause cell names its job.
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const cells = new Int32Array(workerData);
       parentPort.postMessage('spinning');
       const t = Date.now();
       while (Atomics.load(cells, 1) !== 7 && Date.now() - t < 10000) {}
       parentPort.postMessage(Atomics.load(cells, 1) === 7 ? 'saw' : 'timeout');`,
      { eval: true, workerData: board.buffer },
    );
    const said: string[] = [];
    const done = new Promise<void>((resolve) => worker.on('message', (m: string) => (said.push(m), m !== 'spinning' && resolve())));
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));
    board.requestPause('job-7');
    await done;
    await worker.terminate();
    expect(said).toEqual(['spinning', 'saw']);
  });
});
