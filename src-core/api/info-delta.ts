/** A store-changed event carries what changed in `info`, not all of it (64 snapshots are most of it). */
import type { SnapshotInfo, StoreInfo, StoreInfoDelta } from './dto.ts';

/** What differs from `prev` to `next`; everything when there is no `prev`. */
export function infoDelta(prev: StoreInfo | null, next: StoreInfo): StoreInfoDelta {
  if (!prev) return { ...next };
  const delta: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof StoreInfo)[]) {
    if (key !== 'snapshots' && JSON.stringify(prev[key]) !== JSON.stringify(next[key])) delta[key] = next[key];
  }
  const before = new Map(prev.snapshots.map((s) => [s.slot, s]));
  const changed = next.snapshots.filter((s) => !sameSnapshot(before.get(s.slot), s));
  const present = new Set(next.snapshots.map((s) => s.slot));
  const gone = prev.snapshots.filter((s) => !present.has(s.slot)).map((s) => s.slot);
  if (changed.length) delta.snapshots = changed;
  if (gone.length) delta.goneSlots = gone;
  return delta as StoreInfoDelta;
}

/** `info` with `delta` applied (snapshots stay in slot order). */
export function applyInfoDelta(info: StoreInfo, delta: StoreInfoDelta): StoreInfo {
  const { snapshots: changed = [], goneSlots = [], ...fields } = delta;
  const bySlot = new Map(info.snapshots.map((s) => [s.slot, s]));
  for (const slot of goneSlots) bySlot.delete(slot);
  for (const s of changed) bySlot.set(s.slot, s);
  return { ...info, ...fields, snapshots: [...bySlot.values()].sort((a, b) => a.slot - b.slot) };
}

function sameSnapshot(a: SnapshotInfo | undefined, b: SnapshotInfo): boolean {
  if (!a) return false;
  return a.name === b.name && a.uuid === b.uuid && a.created === b.created && a.exceptions === b.exceptions && a.unique === b.unique && a.shared === b.shared && a.bytes === b.bytes;
}
