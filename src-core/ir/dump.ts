/**
 * dump: the logical content of a store, streamed through a DumpWriter while the checker's walk
 * reads it. What the walk cannot vouch for is left out (and is in the returned report): a dump of
 * a damaged shared store is what a repair would keep; a persistent one keeps every entry that is
 * valid on its own (restore refuses an old_chunk remapped twice, which only the whole table shows).
 */
import { SharedWalk } from '../walk/shared.ts';
import { PersistentWalk } from '../walk/persistent.ts';
import type { CheckReport } from '../walk/findings.ts';
import { SnapscopeError } from '../errors.ts';
import type { BlockDevice } from '../io/block-device.ts';
import type { Task } from '../jobs/job.ts';
import { detectFormat } from '../open.ts';
import type { DumpHeader } from './model.ts';
import type { DumpWriter } from './writer.ts';

export interface DumpResult {
  exceptions: number;
  /** What the walk found wrong while dumping; empty for a healthy store. */
  report: CheckReport;
}

export function dumpTask(cow: BlockDevice, writer: DumpWriter): Task<DumpResult> {
  const format = detectFormat(cow);
  let exceptions = 0;
  let headed = false;
  const head = (): void => {
    if (headed) return;
    headed = true;
    writer.header(format === 'shared' ? sharedHeader(shared!) : persistentHeader(persistent!));
  };
  const visit = (origin: number, chunk: number, lo: number, hi: number): void => {
    head();
    writer.exception(origin, chunk, lo, hi);
    exceptions++;
  };
  const shared = format === 'shared' ? new SharedWalk(cow, { exception: visit }) : null;
  const persistent =
    format === 'persistent'
      ? new PersistentWalk(cow, {
          visit: (old, chunk, problem) => {
            if (problem === null) visit(old, chunk, 1, 0);
          },
        })
      : null;
  const inner: Task<CheckReport> = shared ?? persistent!;
  const fatal = inner.result().findings.find((f) => f.kind === 's-header-corrupt' || f.kind.endsWith('chunk-size'));
  if (fatal) throw new SnapscopeError('corrupt', `cannot dump ${cow.name}: ${fatal.message}`, { device: cow.name, chunk: 0 });
  return {
    step(): boolean {
      if (!inner.step()) return false;
      head();
      writer.end();
      return true;
    },
    progress: () => inner.progress(),
    result: () => ({ exceptions, report: inner.result() }),
  };
}

function sharedHeader(c: SharedWalk): DumpHeader {
  const h = c.header!;
  return {
    format: 'shared',
    chunkBytes: c.geometry!.chunkBytes,
    chunkCount: c.geometry!.chunkCount,
    valid: h.valid,
    version: h.version,
    snapmask: h.snapmask,
    snapshots: [...c.labels].sort((a, b) => a.slot - b.slot).map((l) => ({ slot: l.slot, name: l.name, uuid: l.uuid, created: l.created, ...(l.lost === undefined ? {} : { lost: l.lost }) })),
    ...(c.deleting === null ? {} : { deleting: c.deleting }),
    ...(c.merge === null ? {} : { merge: c.merge }),
  };
}

function persistentHeader(c: PersistentWalk): DumpHeader {
  return {
    format: 'persistent',
    chunkBytes: c.chunkBytes,
    chunkCount: c.chunkCount,
    valid: c.header.valid !== 0,
    version: c.header.version,
    snapmask: 1n,
    snapshots: [],
  };
}
