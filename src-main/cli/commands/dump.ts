import { SnapscopeError } from '../../../src-core/errors.ts';
import { Job } from '../../../src-core/jobs/job.ts';
import { dumpTask } from '../../../src-core/ir/dump.ts';
import { dumpWriter } from '../../../src-core/ir/writer.ts';
import { COW } from '../grammar.ts';
import type { Command } from '../command.ts';
import { withDevice } from '../devices.ts';
import { withInterruptibleOutput } from '../interrupt.ts';
import { withSchema } from '../json.ts';
import { plural } from '../plural.ts';

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
    'JSON (--json): with --out F, {out, format, exceptions, errors, warnings}, plus error {code, message, where} for a damaged store;',
    'with the dump on stdout, stdout is the dump alone, one JSON document: a damaged store\'s dump carries that error as its last member, error (restore ignores it).',
    '--json --format xml needs --out F.',
  ].join('\n'),
  examples: [
    ['dump /dev/vg/cow --out cow.json', 'the logical content, to keep or to restore from'],
    ['dump /tmp/demo/shared.cow --format xml | less', 'as XML, paged'],
  ],
  async run(args, con) {
    const form = args.string('format') ?? 'json';
    if (form !== 'json' && form !== 'xml') throw new SnapscopeError('usage', `--format must be json or xml, not '${form}'`);
    const [cowPath, outPath] = [args.arg('cow'), args.string('out') ?? '-'];
    // With --json stdout is JSON whatever happens: XML there could not be followed by an error.
    if (con.json && form === 'xml' && outPath === '-') throw new SnapscopeError('usage', '--json with --format xml: the XML would go to standard output; give --out F');
    const rules = { inputs: [cowPath], force: args.flag('force'), bytes: null, protect: 'text' as const };
    return withDevice(cowPath, 'COW', false, async (dev, noted) => {
      const { result, damage } = await withInterruptibleOutput(outPath, rules, async (out, stop) => {
        const writer = dumpWriter(form, (text) => out.append(Buffer.from(text)));
        // The dump's end is written here, once the walk has said whether the store is damaged.
        const task = dumpTask(dev, { header: (h) => writer.header(h), exception: (o, c, lo, hi) => writer.exception(o, c, lo, hi), end: () => {} });
        // The store is opened while the input's note is looked for; the note comes before the dump.
        const job = new Job(task, { sliceMs: 200 });
        stop.cancels(job);
        await noted;
        const result = await job.run();
        const { errors } = result.report;
        const damage = errors ? new SnapscopeError('corrupt', `${dev.name} has ${plural(errors, 'error')}; the dump holds the ${plural(result.exceptions, 'exception')} check vouches for (run check)`, { device: dev.name }) : null;
        // With --json, standard output is one JSON document: the dump, carrying its error.
        writer.end(damage && con.json && outPath === '-' ? { error: errorOf(damage) } : undefined);
        return { result, damage };
      });
      const { errors, warnings } = result.report;
      if (!con.json) {
        if (damage) con.note(`snapscope: ${damage.message}`);
      } else if (outPath !== '-') con.emit(withSchema({ out: outPath, format: form, exceptions: result.exceptions, errors, warnings, ...(damage && { error: errorOf(damage) }) }));
      return damage ? 1 : 0;
    });
  },
};

function errorOf(e: SnapscopeError): { code: string; message: string; where: SnapscopeError['where'] } {
  return { code: e.code, message: e.message, where: e.where };
}
