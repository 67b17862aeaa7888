import type { BigIntStats } from 'node:fs';

export interface ForeignLock {
  kind: 'POSIX' | 'OFD';
  write: boolean;
  /** The holder's pid: a POSIX lock's from the table, an OFD lock's found through /proc/<pid>/fdinfo; null when unknown. */
  pid: number | null;
}
export declare function foreignLocksIn(table: string, name: string, which: 'any' | 'write'): ForeignLock[];
export declare function describeForeignLocks(locks: readonly ForeignLock[]): string;
export declare function lockTableNameOf(st: BigIntStats): string;
