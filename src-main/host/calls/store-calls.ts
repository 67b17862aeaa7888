import type { SnapshotRef } from '../../../src-core/api/dto.ts';
import { ApiError } from '../../../src-core/api/errors.ts';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { originChunkBytes } from '../../../src-core/origin-chunks.ts';
import { readViewChunk, type View } from '../../../src-core/view.ts';
import type { HostContext, Handlers } from '../context.ts';
import { requirePersistent, requireShared } from '../../../src-core/formats.ts';
import type { StoreSession } from '../session.ts';
import { exceptionPage } from '../exception-page.ts';

type StoreMethods =
  | 'info'
  | 'readChunk'
  | 'areas'
  | 'exceptionTable'
  | 'snapshotCreate'
  | 'snapshotDelete'
  | 'snapshotRename'
  | 'writeChunk';

/** A snapshot reference as the engine resolves it (slot numbers as their decimal string). */
export function slotOf(s: StoreSession, ref: SnapshotRef): number {
  return s.store.resolveSnapshot(String(ref));
}

export function viewOf(s: StoreSession, ref: SnapshotRef | 'origin'): View {
  return ref === 'origin' ? 'origin' : slotOf(s, ref);
}

/** The calls on one store that are quick enough to answer inline. */
export function storeCalls(ctx: HostContext): Handlers<StoreMethods> {
  return {
    info: ({ session }) => ctx.session(session).store.info(),
    readChunk: ({ session, from, chunk }) => {
      const s = ctx.session(session);
      const origin = s.requireOrigin('read a chunk of a view');
      const data = new Uint8Array(originChunkOfRequest(origin, s.store.chunkBytes, chunk));
      readViewChunk(s.store, origin, viewOf(s, from), chunk, data);
      return { data: Buffer.from(data).toString('base64') };
    },
    areas: ({ session }) => {
      const p = requirePersistent(ctx.session(session).store, 'list metadata areas');
      return { exceptionsPerArea: p.geometry.exceptionsPerArea, areas: p.areas().map(({ full: _full, ...a }) => a) };
    },
    exceptionTable: async ({ session, ...query }) => {
      const s = ctx.session(session);
      const store = requirePersistent(s.store, 'list the exception table');
      return exceptionPage(store, s.tableOrders(), query, async () => (await s.exceptionIndex()).byChunk);
    },
    snapshotCreate: ({ session, name, slot }) => {
      const s = ctx.session(session);
      s.requireWrite('create a snapshot');
      const shared = requireShared(s.store, 'create a snapshot');
      const created = shared.createSnapshot({ ...(name !== undefined ? { name } : {}), ...(slot !== undefined ? { slot } : {}) });
      shared.commit();
      ctx.changed(s, 'snapshot');
      return s.store.snapshots().find((x) => x.slot === created.slot) ?? created;
    },
    snapshotDelete: ({ session, snapshot }) => {
      const s = ctx.session(session);
      s.requireWrite('delete a snapshot');
      const shared = requireShared(s.store, 'delete a snapshot');
      shared.deleteSnapshot(slotOf(s, snapshot));
      shared.commit();
      ctx.changed(s, 'snapshot');
      return {};
    },
    snapshotRename: ({ session, snapshot, name }) => {
      const s = ctx.session(session);
      s.requireWrite('rename a snapshot');
      const shared = requireShared(s.store, 'rename a snapshot');
      const slot = slotOf(s, snapshot);
      shared.renameSnapshot(slot, name);
      shared.commit();
      ctx.changed(s, 'snapshot');
      return s.store.snapshots().find((x) => x.slot === slot) ?? fail(`snapshot slot ${slot} vanished`);
    },
    writeChunk: ({ session, to, chunk, fill }) => {
      const s = ctx.session(session);
      s.requireWrite('write');
      const origin = s.requireOrigin('write');
      // The whole chunk: up to the origin's end in a partial last one.
      const data = new Uint8Array(originChunkOfRequest(origin, s.store.chunkBytes, chunk)).fill(fill);
      const view = viewOf(s, to);
      if (view === 'origin') s.store.writeOrigin(origin, chunk, data);
      else s.store.writeSnapshot(origin, view, chunk, data);
      s.store.commit();
      ctx.changed(s, 'write');
      return s.store.info();
    },
  };
}

function fail(message: string): never {
  throw new ApiError('internal', message);
}

/**
 * The bytes of origin chunk `chunk` (the last may be partial: src-core/origin-chunks.ts, the rule
 * and text the CLI and the engines use); a chunk past the end is a bad request, like other chunks.
 */
function originChunkOfRequest(origin: BlockDevice, chunkBytes: number, chunk: number): number {
  try {
    return originChunkBytes(origin, chunkBytes, chunk);
  } catch (e) {
    if (!isSnapscopeError(e)) throw e;
    throw new ApiError('bad-request', e.message, { ...e.where, field: 'chunk' });
  }
}
