import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ApiEvent, Method } from '../../src-core/api/contract.ts';
import type { Envelope } from '../../src-core/api/errors.ts';
import { CancelBoard } from './cancel-board.ts';
import type { HostConfig } from './context.ts';

type FromWorker = { id: number; response: Envelope<unknown> } | { event: ApiEvent } | { disposed: true };

export const failed = (message: string): Envelope<unknown> => ({ ok: false, error: { code: 'internal', message, where: {} } });

/**
 * The engine thread's script: the launcher's bundle of it (bin/snapscope.cjs names it in
 * SNAPSCOPE_ENGINE_WORKER for `serve`), electron-vite's worker.js next to this file, or, in
 * development and tests, the sources through tsx. Looked up per thread: a long-running server
 * whose bundle an hour-later rebuild removed falls back to the sources.
 */
export function workerScript(): URL | string {
  const launched = process.env['SNAPSCOPE_ENGINE_WORKER'];
  if (launched && fs.existsSync(launched)) return launched;
  const bundled = new URL('./worker.js', import.meta.url);
  return fs.existsSync(bundled) ? bundled : new URL('./worker-entry.mjs', import.meta.url);
}

/**
 * One EngineService in a worker thread (worker.ts), with its own cancel board. EngineHost runs one
 * for host-level calls and one per open store, so a long synchronous call stalls only its store.
 */
export class EngineThread {
  readonly board = new CancelBoard();
  private readonly worker: Worker;
  private readonly pending = new Map<number, (r: Envelope<unknown>) => void>();
  private readonly inflight = new Set<Promise<Envelope<unknown>>>();
  private nextId = 1;
  dead: string | null = null;

  constructor(
    config: HostConfig,
    onEvent: (e: ApiEvent) => void,
    private readonly onDeath: (why: string) => void,
  ) {
    this.worker = new Worker(workerScript(), { workerData: { ...config, cancelBoard: this.board.buffer } });
    this.worker.on('message', (m: FromWorker) => {
      if ('event' in m) onEvent(m.event);
      else if ('id' in m) {
        const resolve = this.pending.get(m.id);
        this.pending.delete(m.id);
        resolve?.(m.response);
      }
    });
    this.worker.on('error', (e) => this.fail(`engine thread crashed: ${e.message}`));
    this.worker.on('exit', (code) => this.fail(`engine thread exited (${code})`));
  }

  /** Resolves once every call made so far is answered. */
  idle(): Promise<void> {
    return Promise.all([...this.inflight]).then(() => undefined);
  }

  /** A store thread whose sessions all closed serves the next store: the session it opens gets `sessionId`. */
  reuseAs(sessionId: string): void {
    if (!this.dead) this.worker.postMessage({ sessionId });
  }

  /** Tells the thread whether any client hears its events (HostContext.audience). */
  setListening(listening: boolean): void {
    if (!this.dead) this.worker.postMessage({ listening });
  }

  /** Calls not yet answered. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  call(method: Method, args: unknown): Promise<Envelope<unknown>> {
    if (this.dead) return Promise.resolve(failed(this.dead));
    const id = this.nextId++;
    const answer = new Promise<Envelope<unknown>>((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, method, args });
    });
    this.inflight.add(answer);
    void answer.then(() => this.inflight.delete(answer));
    return answer;
  }

  /** Cancels its jobs, closes its sessions, stops the thread. */
  async dispose(): Promise<void> {
    if (this.dead) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 5000);
      this.worker.on('message', (m: FromWorker) => 'disposed' in m && (clearTimeout(t), resolve()));
      this.worker.postMessage({ dispose: true });
    });
    this.dead = 'engine stopped';
    await this.worker.terminate();
  }

  private fail(why: string): void {
    if (this.dead) return;
    this.dead = why;
    for (const resolve of this.pending.values()) resolve(failed(why));
    this.pending.clear();
    this.onDeath(why);
  }
}
