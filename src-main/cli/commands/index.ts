import type { Command } from '../command.ts';

/**
 * Every command, in help order, each loaded only when it runs (a command is one file in this
 * folder and one line here). The bundle's catalog.json holds their descriptors, so help and
 * parsing need none of these modules.
 */
export const loaders: Record<string, () => Promise<Command>> = {
  format: () => import('./format.ts').then((m) => m.format),
  info: () => import('./info.ts').then((m) => m.info),
  ls: () => import('./ls.ts').then((m) => m.ls),
  'snapshot list': () => import('./snapshot-list.ts').then((m) => m.snapshotList),
  'snapshot create': () => import('./snapshot-create.ts').then((m) => m.snapshotCreate),
  'snapshot delete': () => import('./snapshot-delete.ts').then((m) => m.snapshotDelete),
  'snapshot rename': () => import('./snapshot-rename.ts').then((m) => m.snapshotRename),
  tree: () => import('./tree.ts').then((m) => m.tree),
  write: () => import('./write.ts').then((m) => m.write),
  read: () => import('./read.ts').then((m) => m.read),
  replay: () => import('./replay.ts').then((m) => m.replay),
  merge: () => import('./merge.ts').then((m) => m.merge),
  demo: () => import('./demo.ts').then((m) => m.demo),
  serve: () => import('./serve.ts').then((m) => m.serve),
  check: () => import('./check.ts').then((m) => m.check),
  repair: () => import('./repair.ts').then((m) => m.repair),
  dump: () => import('./dump.ts').then((m) => m.dump),
  restore: () => import('./restore.ts').then((m) => m.restore),
  stats: () => import('./stats.ts').then((m) => m.stats),
  help: () => import('./help.ts').then((m) => m.help),
  completion: () => import('./completion.ts').then((m) => m.completion),
};

export function loadAll(): Promise<Command[]> {
  return Promise.all(Object.values(loaders).map((load) => load()));
}
