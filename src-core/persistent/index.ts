export { PersistentStore, SNAPSHOT_NAME, type FormatOptions, type PersistentArea, type PersistentTable } from './persistent-store.ts';
export { planPersistentMerge, type MergeOptions, type MergePlan, type MergeRun } from './merge.ts';
export { Geometry, SNAP_MAGIC, decodeHeader } from './format.ts';
