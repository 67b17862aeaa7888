import { runToEnd } from '../../../src-core/jobs/job.ts';
import type { BlockDevice } from '../../../src-core/io/block-device.ts';
import { dumpTask } from '../../../src-core/ir/dump.ts';
import type { DumpHeader, ExceptionSource } from '../../../src-core/ir/model.ts';
import { DumpReader } from '../../../src-core/ir/reader.ts';
import { dumpWriter, type DumpFormat } from '../../../src-core/ir/writer.ts';

export function dumpText(cow: BlockDevice, format: DumpFormat = 'json'): string {
  let text = '';
  runToEnd(dumpTask(cow, dumpWriter(format, (t) => (text += t))));
  return text;
}

/** A dump held as text: its header and a source that re-reads it, as the CLI does with a file. */
export function parseDump(text: string): { header: DumpHeader; source: ExceptionSource } {
  const read = (visit: Parameters<ExceptionSource['forEach']>[0]): DumpHeader => {
    const r = new DumpReader('dump', visit);
    r.write(text);
    return r.finish();
  };
  return { header: read(() => {}), source: { forEach: (visit) => void read(visit) } };
}
