import { isMethod, type ApiEvent, type JobInfo, type Method, type SessionDto, type Transport } from '../../src-core/api/contract.ts';
import { ApiError, toErrorShape, type Envelope } from '../../src-core/api/errors.ts';
import { applyInfoDelta } from '../../src-core/api/info-delta.ts';
import { validateArgs } from '../../src-core/api/validate.ts';
import type { HostConfig } from './context.ts';
import { EngineThread, failed } from './engine-thread.ts';
import { JobBook } from './job-book.ts';
import { liveStoreIdentity, THIS_HOST } from './live/live-cow.ts';
import { refuseCrossedOrigins, refuseSharedStore, storeIdentity, type StoreIdentity } from './store-identity.ts';

/** An engine thread that serves one store (or one inspection of a COW path), and what it holds. */
interface Lane {
  thread: EngineThread;
  /** The store's identity (store-identity.ts); null for a path that does not name one. */
  identity: StoreIdentity | null;
  /** The path it was opened by (for a refusal of another store over its bytes). */
  cow: string | null;
  /** The origin its store was opened with (a COW over its bytes is refused too). */
  origin: string | null;
  sessions: Set<string>;
}

/** Idle store threads kept started for the next opens. */
const MAX_SPARES = 2;

/** Calls that answer a job's JobInfo, whose id is made host-wide. */
const ANSWERS_JOB = new Set<Method>(['openStart', 'randomWrites', 'check', 'stats', 'dump', 'merge', 'repair', 'restore', 'jobPause', 'jobResume', 'jobCancel', 'jobWait']);

/**
 * The engine in worker threads, seen from the main thread as one Transport: Electron's IPC adapter
 * and serve mode talk to this. Each open store has its own thread (a Lane), so a long synchronous
 * call on one store (a check walk, an open scan) delays no call about another store and no
 * host-level call; those (hello, listDevices, createDemo, …) go to a host thread that never opens
 * a store. This thread keeps the routing: sessions by store identity, jobs by host-wide id
 * (job-book.ts), and answers `sessions` and `jobs` from the events of every thread, which it
 * merges into the one event stream broadcast to every subscriber (all windows, all sockets). One
 * spare thread is kept started, so an open does not wait for a thread (and tsx) to start; a store's
 * thread whose last session closed becomes a spare again (with a new session id) instead of being
 * stopped, so opening store after store starts no thread and loads no module meanwhile.
 */
export class EngineHost implements Transport {
  private readonly host: EngineThread;
  /** The lanes, by their thread. */
  private readonly lanes = new Map<EngineThread, Lane>();
  /** A started thread the next lane takes, so an open does not wait for a thread to start. */
  /** Started threads an open takes, warm ones (recycled lanes) first; at most MAX_SPARES. */
  private readonly spares: EngineThread[] = [];
  private readonly byKey = new Map<string, Lane>();
  private readonly bySession = new Map<string, Lane>();
  private readonly sessionDtos = new Map<string, SessionDto>();
  private readonly jobs = new JobBook();
  private readonly listeners = new Set<(e: ApiEvent) => void>();
  private nextSession = 1;
  private dead: string | null = null;

  constructor(private readonly config: HostConfig) {
    this.host = new EngineThread({ ...config, listening: false }, (e) => this.fromThread(this.host, null, e), (why) => (this.dead ??= why));
    this.spares.push(this.newThread());
  }

  async call(method: Method, args: unknown): Promise<Envelope<unknown>> {
    if (this.dead) return failed(this.dead);
    try {
      if (!isMethod(method)) throw new ApiError('unknown-method', `no API call named ${String(method).slice(0, 100)}`);
      validateArgs(method, args);
    } catch (e) {
      return { ok: false, error: toErrorShape(e) };
    }
    const a = (args ?? {}) as { session?: string; cow?: string; origin?: string; job?: string; live?: { host?: string } };
    if (method === 'sessions') return { ok: true, result: { sessions: [...this.sessionDtos.values()] } };
    if (method === 'jobs') return { ok: true, result: { jobs: this.jobs.list() } };
    if (method === 'jobPause' || method === 'jobResume' || method === 'jobCancel' || method === 'jobWait') return this.jobCall(method, a.job!);
    if (method === 'open' || method === 'openStart') {
      const identity = a.live ? liveStoreIdentity(a.cow!, a.live.host ?? THIS_HOST) : storeIdentity(a.cow!);
      const lane = identity === null ? undefined : this.byKey.get(identity.key);
      try {
        // Other stores' threads: one over some of these bytes would be a second writer; a COW over
        // another's origin (or an origin over another's COW) would change it under its session.
        const others = [...this.lanes.values()].filter((l) => l !== lane).map((l) => ({ identity: l.identity, cow: l.cow ?? '', session: [...l.sessions][0] ?? null, origin: l.origin }));
        if (!lane) refuseSharedStore(a.cow!, identity, others);
        refuseCrossedOrigins(a.cow!, a.origin ?? null, identity, others);
      } catch (e) {
        return { ok: false, error: toErrorShape(e) };
      }
      if (lane) return this.via(lane, method, args);
      return this.via(this.newLane(identity, a.cow!, a.origin ?? null), method, args);
    }
    // A COW path inspected without a session: a thread of its own, stopped when its job ends.
    if (a.cow !== undefined) return this.via(this.newLane(null, null), method, args);
    const lane = a.session === undefined ? undefined : this.bySession.get(a.session);
    return lane ? this.via(lane, method, args) : this.answer(this.host, null, method, await this.host.call(method, args));
  }

  /** Engine threads at work: the host thread and one per open store or running inspection (not the spare). */
  get threads(): number {
    return (this.host.dead ? 0 : 1) + this.lanes.size;
  }

  subscribe(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.tellListening();
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.tellListening();
    };
  }

  /** Whether anyone hears events, to every thread: with no one, threads skip building structural events. */
  private tellListening(): void {
    for (const t of [this.host, ...this.spares, ...this.lanes.keys()]) t.setListening(this.listeners.size > 0);
  }

  /** Cancels jobs, closes sessions, stops every thread. */
  async dispose(): Promise<void> {
    if (this.dead) return;
    this.dead = 'engine stopped';
    await Promise.all([this.host, ...this.spares.splice(0), ...this.lanes.keys()].map((t) => t.dispose()));
    this.lanes.clear();
  }

  private async jobCall(method: 'jobPause' | 'jobResume' | 'jobCancel' | 'jobWait', id: string): Promise<Envelope<unknown>> {
    const job = this.jobs.get(id);
    if (!job) return { ok: false, error: toErrorShape(new ApiError('unknown-job', `no job ${id}`)) };
    // An ended job's state is final; its thread may be stopped.
    if (job.info.endedAt !== null && (method === 'jobWait' || job.thread.dead)) return { ok: true, result: job.info };
    // A cancel must also reach a job that blocks its thread (the open scan).
    if (method === 'jobCancel') job.thread.board.request(job.local);
    // A pause, too: the job reads it before its next step, where the message waits for a yield.
    if (method === 'jobPause') job.thread.board.requestPause(job.local);
    if (method === 'jobResume') job.thread.board.clearPause(job.local);
    const lane = this.lanes.get(job.thread) ?? null;
    return this.answer(job.thread, lane, method, await job.thread.call(method, { job: job.local }));
  }

  private async via(lane: Lane, method: Method, args: unknown): Promise<Envelope<unknown>> {
    return this.answer(lane.thread, lane, method, await lane.thread.call(method, args));
  }

  /** A thread's answer in host-wide job ids; a lane left with nothing to do is stopped. */
  private answer(thread: EngineThread, lane: Lane | null, method: Method, r: Envelope<unknown>): Envelope<unknown> {
    const out: Envelope<unknown> = r.ok
      ? ANSWERS_JOB.has(method)
        ? { ok: true, result: this.jobs.note(thread, r.result as JobInfo) }
        : r
      : { ok: false, error: { ...r.error, message: this.jobs.rename(thread, r.error.message) } };
    if (lane) this.retireIfIdle(lane);
    return out;
  }

  /** A new lane, for the store `identity` names (opened by `cow`) or for an inspection (both null). */
  private newLane(identity: StoreIdentity | null, cow: string | null, origin: string | null = null): Lane {
    const lane: Lane = { identity, cow, origin, sessions: new Set(), thread: this.spares.shift() ?? this.newThread() };
    // The next spare starts once this call is answered, not while it runs (both would share the cores).
    if (this.spares.length === 0) void lane.thread.idle().then(() => this.spares.length === 0 && !this.dead && this.spares.push(this.newThread()));
    this.lanes.set(lane.thread, lane);
    if (identity !== null) this.byKey.set(identity.key, lane);
    return lane;
  }

  /** A store thread; the id of the session it will open is given now (ids need not be consecutive). */
  private newThread(): EngineThread {
    const thread: EngineThread = new EngineThread(
      { ...this.config, sessionId: `s${this.nextSession++}`, listening: this.listeners.size > 0 },
      (e) => this.fromThread(thread, this.lanes.get(thread) ?? null, e),
      (why) => {
        const spare = this.spares.indexOf(thread);
        if (spare >= 0) this.spares.splice(spare, 1);
        const lane = this.lanes.get(thread);
        if (lane) this.laneDied(lane, why);
      },
    );
    return thread;
  }

  private fromThread(thread: EngineThread, lane: Lane | null, e: ApiEvent): void {
    if (e.type === 'job') e = { type: 'job', job: this.jobs.note(thread, e.job) };
    else if (lane && e.type === 'session-opened') {
      lane.sessions.add(e.session.session);
      this.bySession.set(e.session.session, lane);
      this.sessionDtos.set(e.session.session, e.session);
      const identity = lane.identity ?? storeIdentity(e.session.cow);
      if (identity !== null && !this.byKey.has(identity.key)) this.byKey.set((lane.identity = identity).key, lane);
      lane.cow ??= e.session.cow;
      lane.origin = e.session.origin;
    } else if (lane && e.type === 'session-closed') {
      lane.sessions.delete(e.session);
      this.bySession.delete(e.session);
      this.sessionDtos.delete(e.session);
    } else if (e.type === 'store-changed') {
      const dto = this.sessionDtos.get(e.session);
      if (dto) this.sessionDtos.set(e.session, { ...dto, info: applyInfoDelta(dto.info, e.delta), ...(e.generation !== undefined && { generation: e.generation }) });
    }
    for (const l of this.listeners) l(e);
    if (lane && e.type === 'job' && e.job.endedAt !== null) this.retireIfIdle(lane);
  }

  /** A lane with no session, no unanswered call and no running job stops its thread. */
  private retireIfIdle(lane: Lane): void {
    if (this.lanes.get(lane.thread) !== lane || lane.sessions.size > 0 || lane.thread.busy || this.jobs.running(lane.thread).length > 0) return;
    this.drop(lane);
    if (!lane.thread.dead && !this.dead && this.spares.length < MAX_SPARES) {
      lane.thread.reuseAs(`s${this.nextSession++}`);
      this.spares.unshift(lane.thread);
    } else void lane.thread.dispose();
  }

  private drop(lane: Lane): void {
    this.lanes.delete(lane.thread);
    if (lane.identity !== null && this.byKey.get(lane.identity.key) === lane) this.byKey.delete(lane.identity.key);
    this.jobs.forget(lane.thread);
  }

  /** A store's thread crashed: its sessions are closed and its running jobs failed, for every client. */
  private laneDied(lane: Lane, why: string): void {
    if (this.lanes.get(lane.thread) !== lane) return;
    for (const info of this.jobs.running(lane.thread)) {
      const job = this.jobs.get(info.id)!;
      const ended = { ...info, id: job.local, state: 'failed', endedAt: Date.now(), error: { code: 'internal', message: why, where: {} } } as JobInfo;
      this.fromThread(lane.thread, null, { type: 'job', job: ended });
    }
    for (const session of lane.sessions) this.fromThread(lane.thread, lane, { type: 'session-closed', session });
    this.drop(lane);
  }
}
