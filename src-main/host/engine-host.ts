import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ApiEvent, Method, Transport } from '../../src-core/api/contract.ts';
import type { Envelope } from '../../src-core/api/errors.ts';
import { CancelBoard } from './cancel-board.ts';
import type { HostConfig } from './context.ts';

type FromWorker = { id: number; response: Envelope<unknown> } | { event: ApiEvent } | { disposed: true };

/**
 * The EngineService in a worker thread, seen from the main thread as a Transport: Electron's IPC
 * adapter and serve mode talk to this. Events are broadcast to every subscriber (all windows, all
 * sockets).
 */
export class EngineHost implements Transport {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (r: Envelope<unknown>) => void>();
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private readonly board = new CancelBoard();
  private nextId = 1;
  private dead: string | null = null;

  constructor(config: HostConfig) {
    // Bundled (electron-vite): worker.js sits next to this file. From sources: through tsx.
    const bundled = new URL('./worker.js', import.meta.url);
    this.worker = new Worker(fs.existsSync(bundled) ? bundled : new URL('./worker-entry.mjs', import.meta.url), { workerData: { ...config, cancelBoard: this.board.buffer } });
    this.worker.on('message', (m: FromWorker) => {
      if ('event' in m) for (const l of this.listeners) l(m.event);
      else if ('id' in m) {
        this.pending.get(m.id)?.(m.response);
        this.pending.delete(m.id);
      }
    });
    this.worker.on('error', (e) => this.fail(`engine thread crashed: ${e.message}`));
    this.worker.on('exit', (code) => this.fail(`engine thread exited (${code})`));
  }

  call(method: Method, args: unknown): Promise<Envelope<unknown>> {
    if (this.dead) return Promise.resolve({ ok: false, error: { code: 'internal', message: this.dead, where: {} } });
    // A cancel must also reach a job that blocks the engine thread (the open scan).
    if (method === 'jobCancel' && args !== null && typeof args === 'object') this.board.request((args as { job?: unknown }).job);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ id, method, args });
    });
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancels jobs, closes sessions, stops the thread. */
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
    this.dead ??= why;
    for (const resolve of this.pending.values()) resolve({ ok: false, error: { code: 'internal', message: why, where: {} } });
    this.pending.clear();
  }
}
