/**
 * The one place a store is narrowed to its format's own class, for what only one format has
 * (snapshot slots and a B-tree; metadata areas and an exception table). What both formats do
 * differently sits behind ExceptionStore instead. A wrong format is one error, 'unsupported'.
 */
import { SnapscopeError } from './errors.ts';
import { PersistentStore } from './persistent/index.ts';
import { SharedStore } from './shared/index.ts';
import type { ExceptionStore, StoreFormat } from './store.ts';

/** What the other format is, in words, for the error that refuses it. */
const INSTEAD: Record<StoreFormat, string> = {
  shared: "a persistent COW holds exactly one snapshot ('snap') in a table of exceptions, with no B-tree; a new snapshot needs a new COW (snapscope format persistent)",
  persistent: 'a shared store keeps its exceptions in a B-tree, with no metadata areas or exception table',
};

export function sharedOf(store: ExceptionStore): SharedStore | null {
  return store instanceof SharedStore ? store : null;
}

export function persistentOf(store: ExceptionStore): PersistentStore | null {
  return store instanceof PersistentStore ? store : null;
}

/** The shared store behind `store`, or SnapscopeError('unsupported') saying it cannot `action`. */
export function requireShared(store: ExceptionStore, action: string): SharedStore {
  return sharedOf(store) ?? wrongFormat(store, action, 'shared');
}

/** The persistent store behind `store`, or SnapscopeError('unsupported') saying it cannot `action`. */
export function requirePersistent(store: ExceptionStore, action: string): PersistentStore {
  return persistentOf(store) ?? wrongFormat(store, action, 'persistent');
}

function wrongFormat(store: ExceptionStore, action: string, wanted: StoreFormat): never {
  throw new SnapscopeError('unsupported', `cannot ${action}: ${store.cow.name} is a ${store.format} store; ${INSTEAD[wanted]}`, { device: store.cow.name });
}
