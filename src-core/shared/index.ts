/** The shared exception store's public API. */
export { SharedStore, MAX_ORIGIN_CHUNKS } from './shared-store.ts';
export type {
  CreateSnapshotOptions,
  DecodedException,
  DecodedLeaf,
  DecodedNode,
  MergeRecord,
  NewException,
  SharedChunkRole,
  SharedFormatOptions,
  SharedOpenOptions,
} from './types.ts';
export { SHARED_CHUNK_ROLES } from './types.ts';
export type { SharedHeader } from './format/header.ts';
export { HEADER_LAYOUT, SHARED_MAGIC, SHARED_VERSION } from './format/header.ts';
export { LEAF_LAYOUT, LEAF_MAGIC, maxExceptionsPerOrigin } from './format/leaf.ts';
export { NODE_LAYOUT, nodeCapacity } from './format/node.ts';
export { LABEL_LAYOUT } from './format/label.ts';
export type { SnapshotLabel } from './format/label.ts';
export { checkName } from './labels.ts';
export type { VerifyResult } from './verify.ts';
