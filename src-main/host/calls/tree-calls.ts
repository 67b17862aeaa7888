import { ApiError } from '../../../src-core/api/errors.ts';
import type { SharedChunkRole } from '../../../src-core/shared/types.ts';
import type { HostContext, Handlers } from '../context.ts';
import { requireShared } from '../../../src-core/formats.ts';
import type { StoreSession } from '../session.ts';
import { leafDetail, pathTo, readBlock, treeRoot } from '../tree-read.ts';

type TreeMethods = 'treeRoot' | 'treeBlock' | 'pathTo' | 'leafDetail';

/** The shared store's B-tree pages. */
export function treeCalls(ctx: HostContext): Handlers<TreeMethods> {
  const shared = (id: string): StoreSession => {
    const s = ctx.session(id);
    requireShared(s.store, 'show a B-tree');
    return s;
  };
  /** The session, when `chunk` holds one of `roles` ('corrupt' is for damage, not for a wrong chunk). */
  const block = (id: string, chunk: number, roles: SharedChunkRole[]): StoreSession => {
    const s = shared(id);
    s.requireChunk(chunk);
    const role = requireShared(s.store, 'show a B-tree').chunkRole(chunk);
    if (!roles.includes(role)) throw new ApiError('bad-request', `chunk ${chunk} holds ${role === 'exception' ? 'exception data' : role}, not a ${roles.join(' or ')}`, { chunk, field: 'chunk' });
    return s;
  };
  return {
    treeRoot: ({ session }) => treeRoot(shared(session).store),
    treeBlock: ({ session, chunk }) => readBlock(block(session, chunk, ['node', 'leaf']).store, chunk),
    pathTo: ({ session, key }) => pathTo(shared(session).store, key),
    leafDetail: ({ session, chunk }) => leafDetail(block(session, chunk, ['leaf']).store, chunk),
  };
}
