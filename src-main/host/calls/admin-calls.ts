import fs from 'node:fs';
import type { JobInfo, RepairResultDto } from '../../../src-core/api/dto.ts';
import { ApiError } from '../../../src-core/api/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { applyRepair, planRepair, type RepairPlan } from '../../../src-core/repair/repair.ts';
import { browse } from '../browse.ts';
import type { HostContext, Handlers } from '../context.ts';
import { sharedOf } from '../../../src-core/formats.ts';
import { openDevice } from '../open-device.ts';
import { startSessionJob } from '../session-jobs.ts';
import { StoreSession } from '../session.ts';
import { viewOf } from './store-calls.ts';

type AdminMethods = 'browse' | 'reload' | 'writeData' | 'mergeAbandon' | 'repair';

/** Bytes copied per repair step: a step stays short, so the job pauses and cancels promptly. */
const COPY_BYTES = 8 << 20;

/** What the UI needs besides views: re-reading from disk, data writes, abandoning a merge, repair, a file chooser. */
export function adminCalls(ctx: HostContext): Handlers<AdminMethods> {
  return {
    browse: ({ dir }) => browse(dir),
    reload: ({ session }) => {
      const old = ctx.session(session);
      const job = old.writer ?? [...old.readers][0];
      if (job !== undefined) throw new ApiError('busy', `cannot reload ${old.cowPath}: ${job} is using it; wait for it or cancel it first`, { device: old.cowPath });
      if (old.live) {
        // The device stays open (a helper, perhaps over ssh): only the table is read again.
        const s = old.refreshLive();
        ctx.sessions.set(s.id, s);
        ctx.changed(s, 'reloaded');
        return s.dto();
      }
      return reopenSession(ctx, old).dto();
    },
    writeData: ({ session, to, offset, data }) => {
      const s = ctx.session(session);
      s.requireWrite('write');
      const origin = s.requireOrigin('write');
      const bytes = new Uint8Array(Buffer.from(data, 'base64'));
      if (offset + bytes.length > origin.size) {
        throw new ApiError('bad-request', `${bytes.length} bytes at offset ${offset} end past the origin (${origin.size} bytes)`, { field: 'offset' });
      }
      const view = viewOf(s, to);
      const cb = s.store.chunkBytes;
      for (let at = 0; at < bytes.length; ) {
        const chunk = Math.floor((offset + at) / cb);
        const within = (offset + at) % cb;
        const piece = bytes.subarray(at, at + Math.min(cb - within, bytes.length - at));
        if (view === 'origin') s.store.writeOrigin(origin, chunk, piece, within);
        else s.store.writeSnapshot(origin, view, chunk, piece, within);
        at += piece.length;
      }
      s.store.commit();
      ctx.changed(s, 'write');
      return s.store.info();
    },
    mergeAbandon: ({ session }) => {
      const s = ctx.session(session);
      s.requireWrite('abandon the merge');
      const shared = sharedOf(s.store);
      const rec = shared?.mergeRecord() ?? null;
      if (!shared || !rec) throw new ApiError('not-found', `${s.cowPath} records no unfinished merge`, { device: s.cowPath });
      // The header's own word (ext_flags), not this process's memory: it holds after a restart.
      if (!shared.mergeUntouched()) {
        const why = rec.done > 0 ? `${rec.done} origin chunks already hold the snapshot's data` : "the merge has started writing the snapshot's data onto the origin";
        throw new ApiError('unsupported', `cannot abandon the merge of snapshot ${rec.slot}: ${why}; only finishing it leaves the origin whole — resume it`, { device: s.cowPath, field: 'merge_slot' });
      }
      shared.recordMerge(null);
      shared.commit();
      ctx.changed(s, 'merge');
      return s.store.info();
    },
    repair: ({ out, ...target }) => {
      if (fs.existsSync(out)) throw new ApiError('usage', `${out} already exists: repair writes a new file only`, { field: 'out' });
      if (target.session !== undefined) {
        const s = ctx.session(target.session);
        return startSessionJob(ctx, s, { kind: 'repair', label: `repair ${s.cowPath} to ${out}`, task: repairTask(s.cow, out), access: 'read' });
      }
      const { dev } = openDevice(target.cow, 'COW', false, ctx.config.helper.launcher);
      return ctx.jobs.start({ kind: 'repair', session: null, label: `repair ${target.cow} to ${out}`, task: repairTask(dev, out), canPause: true, finally: () => dev.close() }) as JobInfo;
    },
  };
}

/** Reads a session's store again from disk: same id, next generation; when it no longer opens, the session is closed (and that thrown). */
export function reopenSession(ctx: HostContext, old: StoreSession): StoreSession {
  // Closed first: a block device open for write is held O_EXCL.
  ctx.sessions.delete(old.id);
  old.close();
  let s: StoreSession;
  try {
    s = StoreSession.open({ id: old.id, cow: old.cowPath, origin: old.originPath, write: old.write, helper: ctx.config.helper.launcher, generation: old.generation, audience: ctx.audience });
  } catch (e) {
    ctx.identities.delete(old.id);
    ctx.emit({ type: 'session-closed', session: old.id });
    throw e;
  }
  ctx.sessions.set(s.id, s);
  ctx.changed(s, 'reloaded');
  return s;
}

/**
 * Repair to a new file as a Task: plan from what check trusts (one step), copy the COW (data
 * included) in pieces, then rebuild the metadata on the copy. A failure or cancel removes the copy.
 */
function repairTask(src: BlockDevice, out: string) {
  let plan: RepairPlan | null = null;
  let fd: number | null = null;
  let copied = 0;
  let result: RepairResultDto | null = null;
  const buffer = new Uint8Array(Math.min(COPY_BYTES, src.size));
  const discard = (): void => {
    if (fd !== null) fs.closeSync(fd);
    fd = null;
    fs.rmSync(out, { force: true });
  };
  return {
    step(): boolean {
      try {
        if (!plan) {
          plan = planRepair(src);
          fd = fs.openSync(out, 'wx', 0o600);
          return false;
        }
        if (copied < src.size) {
          const piece = buffer.subarray(0, Math.min(buffer.length, src.size - copied));
          src.read(copied, piece);
          fs.writeSync(fd!, piece, 0, piece.length, copied);
          copied += piece.length;
          return false;
        }
        fs.fsyncSync(fd!);
        fs.closeSync(fd!);
        fd = null;
        const target = openDevice(out, 'COW', true, null).dev;
        try {
          const written = applyRepair(target, plan).written;
          target.flush();
          result = { errors: plan.report.errors, warnings: plan.report.warnings, kept: plan.kept.length, lost: plan.lossCount, losses: plan.losses, notes: plan.notes, written, target: out };
        } finally {
          target.close();
        }
        return true;
      } catch (e) {
        discard();
        throw e;
      }
    },
    progress: () => ({ phase: plan ? 'copy' : 'check', done: copied, total: src.size, unit: 'bytes', bytes: copied }),
    result: () => result!,
    cancelled: discard,
  };
}
