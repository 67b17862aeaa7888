/** Snapshot slots and their labels: create, rename, and find a snapshot by slot, name or UUID. */
import { SnapscopeError } from '../../errors.ts';
import type { SnapshotInfo } from '../../store.ts';
import { checkName, normaliseUuid, randomUuid } from '../labels.ts';
import { slotBit } from '../mask.ts';
import type { CreateSnapshotOptions } from '../types.ts';
import { checkSlot, checkSnapshot, checkWritable } from './guards.ts';
import type { StoreState } from './state.ts';

/** Takes a slot (the lowest free, or `opts.slot`) and records its label. Durable at the next commit. */
export function createSnapshot(s: StoreState, opts: CreateSnapshotOptions): SnapshotInfo {
  checkWritable(s);
  let slot = opts.slot;
  if (slot === undefined) {
    slot = 0;
    while (slot < 64 && s.isActive(slot)) slot++;
    if (slot === 64) throw new SnapscopeError('capacity', 'all 64 snapshot slots are taken', { field: 'snapmask' });
  } else {
    checkSlot(slot);
    if (s.isActive(slot)) throw new SnapscopeError('usage', `slot ${slot} already holds a snapshot`, { field: 'slot' });
  }
  let name = opts.name;
  if (name !== undefined) {
    checkName(name);
    if (s.labels.slotOfName(name) !== undefined) throw new SnapscopeError('usage', `a snapshot named ${JSON.stringify(name)} exists already`, { field: 'name' });
  } else {
    name = `snapshot-${slot}`;
    for (let k = 2; s.labels.slotOfName(name) !== undefined; k++) name = `snapshot-${slot}-${k}`;
  }
  let uuid = randomUuid();
  if (opts.uuid !== undefined) {
    uuid = normaliseUuid(opts.uuid);
    if (s.labels.slotOfUuid(uuid) !== undefined) throw new SnapscopeError('usage', `a snapshot with UUID ${uuid} exists already`, { field: 'uuid' });
  }
  const created = opts.created ?? Math.floor(Date.now() / 1000);
  if (slot < 32) s.setMask((s.snapLo | slotBit(slot)) >>> 0, s.snapHi);
  else s.setMask(s.snapLo, (s.snapHi | slotBit(slot)) >>> 0);
  s.labels.set({ slot, name, uuid, created });
  s.labelsDirty = true;
  s.tx.touch();
  s.events?.({ type: 'snapshot-create', slot, name, uuid });
  return { slot, name, uuid, created, exceptions: 0, unique: 0, shared: 0, bytes: 0 };
}

export function renameSnapshot(s: StoreState, slot: number, name: string): void {
  checkWritable(s);
  checkSnapshot(s, slot);
  checkName(name);
  const holder = s.labels.slotOfName(name);
  if (holder !== undefined && holder !== slot) throw new SnapscopeError('usage', `a snapshot named ${JSON.stringify(name)} exists already`, { field: 'name' });
  const old = s.labels.get(slot);
  s.labels.set({ slot, name, uuid: old?.uuid ?? randomUuid(), created: old?.created ?? 0 });
  s.labelsDirty = true;
  s.tx.touch();
  s.events?.({ type: 'snapshot-rename', slot, name });
}

/** A snapshot named by slot number, name or UUID. */
export function resolveSnapshot(s: StoreState, ref: string): number {
  const r = ref.trim();
  if (/^[0-9]+$/.test(r)) {
    const slot = Number(r);
    if (slot < 64 && s.isActive(slot)) return slot;
    throw new SnapscopeError('not-found', `no snapshot in slot ${r}`, { field: 'slot' });
  }
  const slot = s.labels.slotOfUuid(r) ?? s.labels.slotOfName(r);
  if (slot === undefined) throw new SnapscopeError('not-found', `no snapshot named ${JSON.stringify(r)} (tried slot, name and UUID)`);
  return slot;
}
