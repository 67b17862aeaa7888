import type { DumpResult } from '../../src-core/api/dto.ts';
import type { BlockDevice } from '../../src-core/io/block-device.ts';
import { dumpTask } from '../../src-core/ir/dump.ts';
import { dumpWriter, type DumpFormat } from '../../src-core/ir/writer.ts';
import type { Task } from '../../src-core/jobs/job.ts';

/**
 * A dump collected as text for the API, cut at `maxBytes` (UTF-8, never inside a character):
 * a result travels in job events to every client, so it must stay bounded. The walk stops at
 * the cut.
 */
export function dumpText(cow: BlockDevice, format: DumpFormat, maxBytes: number): Task<DumpResult> {
  const parts: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  const task = dumpTask(
    cow,
    dumpWriter(format, (text) => {
      if (truncated) return;
      const piece = Buffer.from(text, 'utf8');
      truncated = bytes + piece.length > maxBytes;
      const kept = truncated ? piece.subarray(0, utf8Boundary(piece, maxBytes - bytes)) : piece;
      parts.push(kept);
      bytes += kept.length;
    }),
  );
  return {
    step: () => truncated || task.step(),
    progress: () => task.progress(),
    result: () => {
      const r = task.result();
      return { format, text: Buffer.concat(parts).toString('utf8'), truncated, exceptions: r.exceptions, errors: r.report.errors };
    },
  };
}

/** The largest length ≤ n that does not split a UTF-8 sequence of `b`. */
export function utf8Boundary(b: Uint8Array, n: number): number {
  let i = Math.min(n, b.length);
  if (i === b.length) return i;
  while (i > 0 && (b[i]! & 0xc0) === 0x80) i--; // back to the lead byte of the character at the cut
  return i;
}
