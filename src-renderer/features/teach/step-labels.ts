import type { StepKind } from '../../../src-core/teach/index.ts';

/** Step kinds as the timeline and the step card name them. */
export const STEP_LABELS: Record<StepKind, string> = {
  start: 'The store',
  batch: 'Fast-forward',
  'snapshot-create': 'Create a snapshot',
  probe: 'Probe the path',
  'mask-check': 'Check the share masks',
  allocate: 'Allocate a chunk',
  'copy-data': 'Copy the data',
  shadow: 'Shadow a block',
  'exception-add': 'Insert the exception',
  unshare: 'Unshare the copy',
  'write-in-place': 'Write in place',
  'origin-write': 'Write the origin',
  'leaf-split': 'Split the leaf',
  'node-split': 'Split the node',
  'new-root': 'Grow a new root',
  'clear-bits': 'Clear the bits',
  'free-chunks': 'Free the chunks',
  'leaf-merge': 'Merge leaves',
  'node-merge': 'Merge nodes',
  'level-drop': 'Drop a level',
  'snapshot-delete': 'Delete the snapshot',
  commit: 'Commit',
  'merge-copy-others': 'Copy for the others',
  'merge-to-origin': 'Copy onto the origin',
  'merge-clear': 'Mark merged',
  event: 'Engine event',
};

/** Kinds that change the tree's shape: the timeline marks them so they are easy to find. */
export const SHAPE_KINDS: ReadonlySet<StepKind> = new Set(['leaf-split', 'node-split', 'new-root', 'leaf-merge', 'node-merge', 'level-drop']);
