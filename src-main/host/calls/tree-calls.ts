import { ApiError } from '../../../src-core/api/errors.ts';
import type { HostContext, Handlers } from '../context.ts';
import type { StoreSession } from '../session.ts';
import { leafDetail, pathTo, readBlock, treeRoot } from '../tree-read.ts';

type TreeMethods = 'treeRoot' | 'treeBlock' | 'pathTo' | 'leafDetail';

/** The shared store's B-tree pages. */
export function treeCalls(ctx: HostContext): Handlers<TreeMethods> {
  const shared = (id: string): StoreSession => {
    const s = ctx.session(id);
    if (s.store.format !== 'shared') throw new ApiError('unsupported', `${s.cowPath} is a ${s.store.format} store: it has no B-tree`, { device: s.cowPath });
    return s;
  };
  const block = (id: string, chunk: number): StoreSession => {
    const s = shared(id);
    s.requireChunk(chunk);
    return s;
  };
  return {
    treeRoot: ({ session }) => treeRoot(shared(session).store),
    treeBlock: ({ session, chunk }) => readBlock(block(session, chunk).store, chunk),
    pathTo: ({ session, key }) => pathTo(shared(session).store, key),
    leafDetail: ({ session, chunk }) => leafDetail(block(session, chunk).store, chunk),
  };
}
