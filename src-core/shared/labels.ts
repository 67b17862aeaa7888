/** Snapshot labels: naming rules, UUIDs, and the in-memory table the label chain stores. */
import { SnapscopeError } from '../errors.ts';
import { MAX_NAME_BYTES, nameBytes, type SnapshotLabel } from './format/label.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Names address snapshots alongside slots and UUIDs, so they must not look like either. */
export function checkName(name: string): void {
  const bad = (why: string): never => {
    throw new SnapscopeError('usage', `snapshot name ${JSON.stringify(name)} ${why}`, { field: 'name' });
  };
  if (name.length === 0) bad('is empty');
  if (/^[0-9]+$/.test(name)) bad('is all digits (that would read as a slot number)');
  if (name === 'origin' || name === 'snap') bad('is reserved');
  if (UUID_RE.test(name.toLowerCase())) bad('looks like a UUID');
  if (nameBytes(name).length > MAX_NAME_BYTES) bad(`is longer than ${MAX_NAME_BYTES} bytes`);
  if (/[\u0000-\u001f]/.test(name)) bad('contains control characters');
  if (/\p{Cs}/u.test(name)) bad('contains a lone surrogate (not encodable as UTF-8)');
}

export function normaliseUuid(uuid: string): string {
  const u = uuid.toLowerCase();
  if (!UUID_RE.test(u)) throw new SnapscopeError('usage', `${JSON.stringify(uuid)} is not a UUID (8-4-4-4-12 hex digits)`, { field: 'uuid' });
  return u;
}

/** A random (version 4) UUID from the platform's CSPRNG. */
export function randomUuid(): string {
  return crypto.randomUUID();
}

export class LabelTable {
  private readonly bySlot = new Map<number, SnapshotLabel>();

  constructor(labels: readonly SnapshotLabel[] = []) {
    for (const l of labels) this.bySlot.set(l.slot, l);
  }

  get(slot: number): SnapshotLabel | undefined {
    return this.bySlot.get(slot);
  }

  set(label: SnapshotLabel): void {
    this.bySlot.set(label.slot, label);
  }

  delete(slot: number): void {
    this.bySlot.delete(slot);
  }

  all(): SnapshotLabel[] {
    return [...this.bySlot.values()].sort((a, b) => a.slot - b.slot);
  }

  slotOfName(name: string): number | undefined {
    for (const l of this.bySlot.values()) if (l.name === name) return l.slot;
    return undefined;
  }

  slotOfUuid(uuid: string): number | undefined {
    const u = uuid.toLowerCase();
    for (const l of this.bySlot.values()) if (l.uuid === u) return l.slot;
    return undefined;
  }
}
