import type { ApiEvent, CallArgs, CallResult, Method, StoreChange } from '../../src-core/api/contract.ts';
import { ApiError } from '../../src-core/api/errors.ts';
import { infoDelta } from '../../src-core/api/info-delta.ts';
import type { StoreInfo } from '../../src-core/store.ts';
import type { HelperLauncher } from './helper-device.ts';
import type { HelperChoice } from './helper-launch.ts';
import type { JobRegistry } from './jobs.ts';
import type { StoreSession } from './session.ts';
import type { StoreIdentity } from './store-identity.ts';

export interface HostConfig {
  mode: 'electron' | 'serve' | 'local';
  version: string;
  /** Demo store and recent list. */
  dataDir: string;
  helper: HelperChoice;
  /** Remote hosts whose live snapshots the UI shows (`serve --host`), each [user@]host for ssh. */
  liveHosts?: string[];
  /** A way other than ssh to reach a live host's helper, by host name (the live suite's qemu guest). */
  liveLaunchers?: Record<string, HelperLauncher>;
  /** The engine thread's CancelBoard memory, shared with the main thread (EngineHost). */
  cancelBoard?: SharedArrayBuffer;
  /** A store's own engine thread (EngineHost): the id of the one session it opens. */
  sessionId?: string;
  /** Whether any client hears events when the thread starts (EngineHost; later changes come as messages). */
  listening?: boolean;
}

/** What every call handler works with: the sessions, the jobs, the event broadcast. */
export class HostContext {
  readonly sessions = new Map<string, StoreSession>();
  /** Each session's store identity (store-identity.ts), so one store is one session whatever path names it. */
  readonly identities = new Map<string, StoreIdentity>();
  private nextSession = 1;
  /**
   * Whether any client hears events. EngineHost says so to every thread (none while only HTTP
   * calls come in): with no audience, sessions skip converting and batching structural events.
   */
  readonly audience = { listening: true };
  /** The info each session's last store-changed event described (its delta's base), by id: a reload's new StoreSession continues it. */
  private readonly lastInfo = new Map<string, StoreInfo>();

  constructor(
    readonly config: HostConfig,
    readonly jobs: JobRegistry,
    readonly emit: (event: ApiEvent) => void,
  ) {
    this.sessionId = config.sessionId;
  }

  /** A store thread's session id (EngineHost gives a new one when it reuses the thread for another store). */
  sessionId: string | undefined;

  newSessionId(): string {
    return this.sessionId ?? `s${this.nextSession++}`;
  }

  session(id: string): StoreSession {
    const s = this.sessions.get(id);
    if (!s) throw new ApiError('unknown-session', `no open session ${id} (it was closed, or never opened)`, { field: 'session' });
    return s;
  }

  /**
   * After a commit of ours (or a reload): the next generation. Sends the session's pending
   * structural events, then what changed, to every client: the fields of info that differ from
   * the previous event's (info costs O(snapshots), no walk).
   */
  changed(s: StoreSession, reason: StoreChange): void {
    s.contentChanged();
    s.generation++;
    s.watch.settle();
    this.flushEvents(s);
    const info = s.store.info();
    const delta = infoDelta(this.lastInfo.get(s.id) ?? null, info);
    this.lastInfo.set(s.id, info);
    this.emit({ type: 'store-changed', session: s.id, reason, delta, generation: s.generation });
  }

  /** A closed session: a later one with the same id starts its deltas afresh. */
  forgetInfo(id: string): void {
    this.lastInfo.delete(id);
  }

  flushEvents(s: StoreSession): void {
    const batch = s.takeEvents();
    if (batch) this.emit({ type: 'structural', session: s.id, ...batch });
  }
}

export type Handler<M extends Method> = (args: CallArgs<M>) => CallResult<M> | Promise<CallResult<M>>;
export type Handlers<M extends Method = Method> = { [K in M]: Handler<K> };
