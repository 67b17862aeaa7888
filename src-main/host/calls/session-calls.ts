import type { CallArgs, JobInfo, SessionDto } from '../../../src-core/api/contract.ts';
import { ApiError } from '../../../src-core/api/errors.ts';
import type { HostContext, Handlers } from '../context.ts';
import { OpenTask, type ScanProgress } from '../open-task.ts';
import { RecentList } from '../recent.ts';
import { StoreSession } from '../session.ts';
import { liveHelper, liveStoreIdentity, THIS_HOST } from '../live/live-cow.ts';
import { refuseCrossedOrigins, refuseSharedStore, sameStore, storeIdentity, type StoreIdentity } from '../store-identity.ts';

type SessionMethods = 'open' | 'openStart' | 'close' | 'sessions';

/** Opening and closing stores. An open is a job (kind 'open'), so a long scan shows and cancels. */
export function sessionCalls(ctx: HostContext): Handlers<SessionMethods> {
  const startOpen = (args: CallArgs<'open'>): JobInfo => {
    let id = ''; // set before the job runs (it starts on the next turn)
    const task = new OpenTask((onProgress) => openSession(ctx, args, onProgress), { report: () => ctx.jobs.report(id), stop: () => ctx.jobs.stopRequested(id) });
    const info = ctx.jobs.start({ kind: 'open', session: null, label: `open ${args.cow}${args.write ? ' for writing' : ''}${args.live ? ` live on ${args.live.host ?? THIS_HOST}` : ''}`, task, canPause: false });
    id = info.id;
    return info;
  };
  return {
    open: async (args) => {
      const end = await ctx.jobs.wait(startOpen(args).id);
      if (end.kind !== 'open' || !end.result) throw new ApiError(end.error?.code ?? 'internal', end.error?.message ?? `open ${args.cow} ended ${end.state}`, end.error?.where ?? {});
      return end.result;
    },
    openStart: startOpen,
    close: ({ session }) => {
      closeSession(ctx, ctx.session(session), 'closed');
      return {};
    },
    sessions: () => ({ sessions: [...ctx.sessions.values()].map((s) => s.dto()) }),
  };
}

/**
 * The same store opened again — by any path that reaches its bytes — gives the same session, unless
 * it needs write or another origin. A store is never open twice in one process, nor are two that
 * share bytes: two sessions would be two writers that know nothing of each other.
 */
function openSession(ctx: HostContext, { cow, origin, write = false, live }: CallArgs<'open'>, onProgress: ScanProgress): SessionDto {
  const host = live ? (live.host ?? THIS_HOST) : null;
  const identity = host === null ? storeIdentity(cow) : liveStoreIdentity(cow, host);
  const existing = identity === null ? undefined : [...ctx.sessions.values()].find((s) => ctx.identities.get(s.id)?.key === identity.key);
  const others = [...ctx.sessions.values()].filter((s) => s !== existing).map((s) => ({ identity: ctx.identities.get(s.id) ?? null, cow: s.cowPath, session: s.id, origin: s.originPath }));
  if (!existing) refuseSharedStore(cow, identity, others);
  refuseCrossedOrigins(cow, origin ?? null, identity, others);
  const sameOrigin = origin === undefined || origin === existing?.originPath || (existing?.originPath != null && sameStore(origin, existing.originPath));
  const merging = live?.merging === true;
  const sameLive = host === null || (existing?.live?.host === host && existing.live.merging === merging);
  if (existing && (existing.write || !write) && sameOrigin && sameLive) return existing.dto();
  // Closed first: a block device open for write is held O_EXCL, so the reopen could not take it.
  if (existing) closeSession(ctx, existing, 'reopened with other options');
  const id = existing?.id ?? ctx.newSessionId();
  let opened: StoreSession;
  try {
    const liveFrom = host === null ? {} : { live: { host, merging, helper: liveHelper(ctx.config, host), helperNote: ctx.config.helper.note } };
    opened = StoreSession.open({ id, cow, origin: origin ?? null, write, helper: ctx.config.helper.launcher, onProgress, audience: ctx.audience, ...liveFrom });
  } catch (e) {
    if (existing) restore(ctx, existing); // a failed reopen keeps what was open
    throw e;
  }
  // A live COW is not a store to reopen later at rest: it stays out of the recent list.
  if (host !== null) return register(ctx, opened, identity);
  RecentList.in(ctx.config.dataDir).add({ cow, origin: origin ?? null, format: opened.store.format, openedAt: Date.now() });
  return register(ctx, opened, identity ?? storeIdentity(cow));
}

/**
 * Only a store that opened is registered: a failed open (StoreSession.open closes what it opened)
 * leaves no ghost that holds the file, blocks the path and breaks every `sessions` call. Its
 * description reads memory only, so it cannot fail after the open.
 */
function register(ctx: HostContext, s: StoreSession, identity: StoreIdentity | null): SessionDto {
  const dto = s.dto();
  ctx.sessions.set(s.id, s);
  if (identity !== null) ctx.identities.set(s.id, identity);
  ctx.emit({ type: 'session-opened', session: dto });
  return dto;
}

function restore(ctx: HostContext, old: StoreSession): void {
  try {
    register(ctx, StoreSession.open({ id: old.id, cow: old.cowPath, origin: old.originPath, write: old.write, helper: ctx.config.helper.launcher, audience: ctx.audience }), storeIdentity(old.cowPath));
  } catch {
    /* gone meanwhile: the session stays closed, as its session-closed event said */
  }
}

function closeSession(ctx: HostContext, s: StoreSession, why: string): void {
  const job = s.writer ?? [...s.readers][0];
  if (job !== undefined) throw new ApiError('busy', `cannot close ${s.cowPath}: ${job} is using it; wait for it or cancel it first (${why})`, { device: s.cowPath });
  ctx.sessions.delete(s.id);
  ctx.identities.delete(s.id);
  ctx.forgetInfo(s.id);
  s.close();
  ctx.emit({ type: 'session-closed', session: s.id });
}
