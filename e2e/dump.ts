import { cli } from './demo-store.ts';

/** `snapscope dump <cow> --format json`: every exception as [origin, COW chunk, share mask]. */
export interface DumpJson {
  format: string;
  snapshots: { slot: number; name: string }[];
  exceptions: [origin: number, chunk: number, mask: string][];
}

export function dumpJson(cow: string): DumpJson {
  return JSON.parse(cli('dump', cow, '--format', 'json')) as DumpJson;
}

/** The COW chunk snapshot `slot` reads for `origin` according to the dump, or -1 (the origin). */
export function readsFrom(dump: DumpJson, origin: number, slot: number): number {
  const hit = dump.exceptions.find(([o, , mask]) => o === origin && (BigInt(mask) >> BigInt(slot)) & 1n);
  return hit ? hit[1] : -1;
}

export function slotsOfMask(mask: string): number[] {
  const out: number[] = [];
  for (let s = 0, m = BigInt(mask); m > 0n; s++, m >>= 1n) if (m & 1n) out.push(s);
  return out;
}
