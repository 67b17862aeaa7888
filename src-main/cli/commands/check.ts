import { checkTask } from '../../../src-core/check/check.ts';
import type { CheckReport } from '../../../src-core/walk/findings.ts';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { Job } from '../../../src-core/jobs/job.ts';
import { EXIT_DAMAGED, EXIT_OK, exitCodeOf, type Command } from '../command.ts';
import { COW, PROGRESS } from '../grammar.ts';
import { withDevice } from '../devices.ts';
import { findingLines } from '../findings-text.ts';
import { runCancellable, runJob } from '../run-job.ts';
import { plural } from '../plural.ts';

export const check: Command = {
  name: 'check',
  summary: 'check a store for damage: every problem with its kind, place and expected value (read-only)',
  positionals: [COW],
  options: {
    strict: { type: 'boolean', help: 'warnings count too (exit 4)' },
    quiet: { type: 'boolean', short: 'q', help: 'print nothing; only the exit code (with --json: the report, no progress)' },
    interval: PROGRESS.interval!,
  },
  details: [
    'Exit 0 means the store can be activated: no errors, and not invalidated by the kernel.',
    'JSON: the report {format, findings[{kind, severity, chunk, entry?, message, expected?, found?}], errors, warnings, ...}.',
    'Finding kinds are stable names, listed in docs/check.md.',
  ].join('\n'),
  examples: [
    ['check /tmp/demo/shared.cow', 'every problem found, then a summary line'],
    ['check -q /dev/vg/snap-cow && echo ok', 'in a script: only the exit code'],
  ],
  exits: { [EXIT_DAMAGED]: 'the store is damaged (errors; warnings too with --strict) or invalidated by the kernel' },
  async run(args, con) {
    // With --json, -q only stops progress (as in every other command): the report is what was asked for.
    const quiet = args.flag('quiet') && !con.json;
    return withDevice(args.arg('cow'), 'COW', false, async (dev, noted) => {
      let report: CheckReport;
      try {
        const task = checkTask(dev);
        report = quiet || con.json ? await runCancellable(new Job(task)) : await runJob(task, con, args, noted);
      } catch (e) {
        if (quiet && isSnapscopeError(e)) return exitCodeOf(e.code);
        throw e;
      }
      await noted;
      if (!quiet) con.result(report, () => renderReport(report));
      const invalidated = Boolean(report.byKind['p-header-invalid'] || report.byKind['s-header-invalid']);
      return report.errors > 0 || invalidated || (args.flag('strict') && report.warnings > 0) ? EXIT_DAMAGED : EXIT_OK;
    }, quiet);
  },
};

function renderReport(r: CheckReport): string {
  const lines = findingLines(r.findings);
  if (r.truncated) lines.push(`... ${r.errors + r.warnings - r.findings.length} more (counts below are complete)`);
  const what = r.format === 'shared' ? plural(r.blocks, 'tree block') : plural(r.blocks, 'metadata area');
  const verdict = r.errors + r.warnings === 0 ? 'clean' : `${plural(r.errors, 'error')}, ${plural(r.warnings, 'warning')}`;
  lines.push(`${r.device}: ${r.format} store, ${what}, ${plural(r.exceptions, 'exception')}: ${verdict}`);
  return lines.join('\n');
}
