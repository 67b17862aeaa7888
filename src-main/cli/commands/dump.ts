import { SnapscopeError } from '../../../src-core/errors.ts';
import { Job } from '../../../src-core/jobs/job.ts';
import { dumpTask } from '../../../src-core/ir/dump.ts';
import { dumpWriter } from '../../../src-core/ir/writer.ts';
import { COW } from '../grammar.ts';
import type { Command } from '../command.ts';
import { withDevice } from '../devices.ts';
import { withInterruptibleOutput } from '../interrupt.ts';

export const dump: Command = {
  name: 'dump',
  summary: 'write the logical content of a store (header, snapshots, every exception) as JSON or XML',
  positionals: [COW],
  options: {
    format: { type: 'choice', choices: ['json', 'xml'], help: 'output form (default json)' },
    out: { type: 'string', value: 'F', help: "write to F (replaced only when the dump succeeds; '-' is stdout, the default)", complete: 'file' },
    force: { type: 'boolean', short: 'f', help: 'replace an --out that holds a store, filesystem or other known signature, binary data, or a device that holds data' },
  },
  details: [
    'Streams: memory stays bounded whatever the store size. `restore` reads it back.',
    'A damaged store dumps what check vouches for; the rest is reported on stderr and the exit code is 1.',
  ].join('\n'),
  examples: [
    ['dump /dev/vg/cow --out cow.json', 'the logical content, to keep or to restore from'],
    ['dump /tmp/demo/shared.cow --format xml | less', 'as XML, paged'],
  ],
  async run(args, con) {
    const form = args.string('format') ?? 'json';
    if (form !== 'json' && form !== 'xml') throw new SnapscopeError('usage', `--format must be json or xml, not '${form}'`);
    const cowPath = args.arg('cow');
    const rules = { inputs: [cowPath], force: args.flag('force'), bytes: null, protect: 'text' as const };
    return withDevice(cowPath, 'COW', false, (dev, noted) =>
      withInterruptibleOutput(args.string('out') ?? '-', rules, async (out, stop) => {
        // The store is opened while the input's note is looked for; the note comes before the dump.
        const job = new Job(dumpTask(dev, dumpWriter(form, (text) => out.append(Buffer.from(text)))), { sliceMs: 200 });
        stop.cancels(job);
        await noted;
        const result = await job.run();
        const problems = result.report.errors;
        if (problems) con.note(`snapscope: ${dev.name} has ${problems} errors; the dump holds the ${result.exceptions} exceptions check vouches for (run check)`);
        return problems ? 1 : 0;
      }),
    );
  },
};
