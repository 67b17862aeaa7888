/**
 * A plain model of a shared-store volume: the origin's chunks and, per snapshot, the chunks it
 * reads (a snapshot starts as a copy of the origin's map). Arrays are never mutated in place, so
 * copying a map copies the state.
 */
import { MemoryDevice } from '../../../src-core/io/memory-device.ts';
import type { SharedStore } from '../../../src-core/shared/index.ts';
import { readViewChunk } from '../../../src-core/view.ts';

export type Op =
  | { kind: 'create'; slot?: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'origin'; chunk: number; count: number; byte: number }
  | { kind: 'snap'; pick: number; chunk: number; byte: number; offset: number; length: number }
  | { kind: 'commit' }
  | { kind: 'reopen' };

export class Model {
  origin = new Map<number, Uint8Array>();
  snaps = new Map<number, Map<number, Uint8Array>>();

  constructor(
    readonly chunkBytes: number,
    readonly originChunks: number,
  ) {}

  clone(): Map<number, Map<number, Uint8Array>> {
    return new Map([...this.snaps].map(([k, v]) => [k, new Map(v)]));
  }

  read(view: 'origin' | number, chunk: number): Uint8Array {
    const map = view === 'origin' ? this.origin : this.snaps.get(view)!;
    return map.get(chunk) ?? new Uint8Array(this.chunkBytes);
  }

  write(view: 'origin' | number, chunk: number, byte: number, offset: number, length: number): void {
    const next = this.read(view, chunk).slice();
    next.fill(byte, offset, offset + length);
    (view === 'origin' ? this.origin : this.snaps.get(view)!).set(chunk, next);
  }
}

/** Fixed UUIDs so two runs of one script allocate and write identically. */
export function uuidFor(slot: number, serial: number): string {
  const hex = (slot * 1000 + serial).toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

/** Every active snapshot's and the origin's chunks read back equal the model. */
export function expectReadsAgree(store: SharedStore, originDev: MemoryDevice, snaps: Map<number, Map<number, Uint8Array>>, model: Model): string | null {
  const buf = new Uint8Array(model.chunkBytes);
  const active = store.snapshots().map((s) => s.slot);
  if (active.join() !== [...snaps.keys()].sort((a, b) => a - b).join()) return `slots ${active.join()} vs model ${[...snaps.keys()].join()}`;
  for (const [slot, map] of snaps) {
    for (let c = 0; c < model.originChunks; c++) {
      readViewChunk(store, originDev, slot, c, buf);
      const want = map.get(c) ?? new Uint8Array(model.chunkBytes);
      if (!equal(buf, want)) return `snapshot ${slot} chunk ${c}: read ${buf[0]}.. want ${want[0]}..`;
    }
  }
  return null;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Metadata as text: snapshots with labels, and every exception. Equal text = equal metadata. */
export function dumpMetadata(store: SharedStore): string {
  const lines = store.snapshots().map((s) => `snap ${s.slot} ${s.name} ${s.uuid} ${s.created}`);
  store.forEachException((origin, chunk, slots) => lines.push(`${origin} ${chunk} ${slots.toString(16)}`));
  return lines.join('\n');
}
