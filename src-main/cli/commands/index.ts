import type { Command } from '../command.ts';

/**
 * Every command, in help order: its module in this folder and the export that holds it. A command
 * is one file here and one line in this table. Each loads only when it runs; the bundle's
 * catalog.json holds their descriptors, and bin/snapscope.cjs bundles each module with the CLI
 * into a file of its own.
 */
export const modules: Record<string, readonly [file: string, exported: string]> = {
  format: ['format', 'format'],
  info: ['info', 'info'],
  ls: ['ls', 'ls'],
  'snapshot list': ['snapshot-list', 'snapshotList'],
  'snapshot create': ['snapshot-create', 'snapshotCreate'],
  'snapshot delete': ['snapshot-delete', 'snapshotDelete'],
  'snapshot rename': ['snapshot-rename', 'snapshotRename'],
  tree: ['tree', 'tree'],
  write: ['write', 'write'],
  read: ['read', 'read'],
  replay: ['replay', 'replay'],
  merge: ['merge', 'merge'],
  demo: ['demo', 'demo'],
  serve: ['serve', 'serve'],
  check: ['check', 'check'],
  repair: ['repair', 'repair'],
  dump: ['dump', 'dump'],
  restore: ['restore', 'restore'],
  'backup-restore': ['backup-restore', 'backupRestore'],
  stats: ['stats', 'stats'],
  watch: ['watch', 'watch'],
  help: ['help', 'help'],
  completion: ['completion', 'completion'],
};

export async function load(name: string): Promise<Command> {
  const [file, exported] = modules[name]!;
  const m = (await import(`./${file}.ts`)) as Record<string, Command>;
  return m[exported]!;
}

export function loadAll(): Promise<Command[]> {
  return Promise.all(Object.keys(modules).map(load));
}
