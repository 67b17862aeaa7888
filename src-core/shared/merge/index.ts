/** The shared store's merge of a snapshot into the origin (docs/format-shared.md § Merge). */
export { createSharedMerge } from './merge-task.ts';
export { planResult, planSharedMerge, type SharedMergeOptions, type SharedMergePlan } from './plan.ts';
