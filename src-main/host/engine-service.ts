import { isMethod, type ApiEvent, type Method, type Transport } from '../../src-core/api/contract.ts';
import { ApiError, toErrorShape, type Envelope } from '../../src-core/api/errors.ts';
import { validateArgs } from '../../src-core/api/validate.ts';
import { adminCalls } from './calls/admin-calls.ts';
import { hostCalls } from './calls/host-calls.ts';
import { liveCalls } from './calls/live-calls.ts';
import { inspectCalls } from './calls/inspect-calls.ts';
import { jobCalls } from './calls/job-calls.ts';
import { occupancyCalls } from './calls/occupancy-calls.ts';
import { restoreCalls } from './calls/restore-calls.ts';
import { sessionCalls } from './calls/session-calls.ts';
import { storeCalls } from './calls/store-calls.ts';
import { treeCalls } from './calls/tree-calls.ts';
import { HostContext, type HostConfig, type Handler, type Handlers } from './context.ts';
import { CancelBoard } from './cancel-board.ts';
import { pollDisks } from './disk-poll.ts';
import { JobRegistry } from './jobs.ts';

/**
 * Every contract call over the engines. Arguments are validated here, once, for every transport;
 * whatever a handler throws comes back as the error shape, never as a crash. Events go to every
 * subscriber, so a second window or browser tab sees the same live state.
 */
export class EngineService implements Transport {
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  private readonly handlers: Handlers;
  readonly context: HostContext;
  private readonly stopPolling: () => void;

  constructor(config: HostConfig) {
    const emit = (event: ApiEvent): void => {
      for (const l of this.listeners) l(event);
    };
    this.context = new HostContext(config, new JobRegistry(emit, new CancelBoard(config.cancelBoard)), emit);
    if (config.listening === false) this.context.audience.listening = false;
    this.handlers = { ...hostCalls(this.context), ...liveCalls(this.context), ...sessionCalls(this.context), ...storeCalls(this.context), ...occupancyCalls(this.context), ...treeCalls(this.context), ...inspectCalls(this.context), ...jobCalls(this.context), ...adminCalls(this.context), ...restoreCalls(this.context) };
    this.stopPolling = pollDisks(this.context);
  }

  async call(method: Method | string, args: unknown): Promise<Envelope<unknown>> {
    // A pause asked while the calls queued before its message wait holds and is confirmed now.
    this.context.jobs.heedPauses();
    try {
      if (!isMethod(method)) throw new ApiError('unknown-method', `no API call named ${String(method).slice(0, 100)}`);
      const valid = validateArgs(method, args);
      const result = await (this.handlers[method] as Handler<Method>)(valid as never);
      return { ok: true, result };
    } catch (e) {
      return { ok: false, error: toErrorShape(e) };
    }
  }

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancels the jobs and closes every session (shutdown). */
  async dispose(): Promise<void> {
    this.stopPolling();
    await this.context.jobs.cancelAll();
    for (const s of this.context.sessions.values()) s.close();
    this.context.sessions.clear();
  }
}
