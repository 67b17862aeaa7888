import { SnapscopeError } from '../../src-core/errors.ts';
import type { ExceptionStore } from '../../src-core/store.ts';
import type { View } from '../../src-core/view.ts';

/** 'origin', or a snapshot by slot, name or UUID ('snap' in a persistent COW). */
export function resolveView(store: ExceptionStore, ref: string): View {
  return ref === 'origin' ? 'origin' : store.resolveSnapshot(ref);
}

/** A byte value: decimal 0..255 or 0xNN. */
export function parseByte(text: string, what: string): number {
  const v = /^0x[0-9a-f]{1,2}$/i.test(text) ? parseInt(text, 16) : /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(v >= 0 && v <= 255)) throw new SnapscopeError('usage', `${what}: '${text}' is not a byte (0..255 or 0x00..0xff)`);
  return v;
}
