import { checkTask } from '../../../src-core/check/check.ts';
import type { CheckReport, Finding } from '../../../src-core/walk/findings.ts';
import { isSnapscopeError } from '../../../src-core/errors.ts';
import { Job } from '../../../src-core/jobs/job.ts';
import type { Command } from '../command.ts';
import { openDevice } from '../devices.ts';
import { runJob } from '../run-job.ts';

/** Exit code for "not readable as a store": bad magic, too short, I/O error. */
export const EXIT_NOT_A_STORE = 3;

export const check: Command = {
  name: 'check',
  summary: 'check a store for damage: every problem with its kind, place and expected value (read-only)',
  positionals: [{ name: 'cow', help: 'COW device or image (shared or persistent; detected by magic)' }],
  options: {
    strict: { type: 'boolean', help: 'warnings count too (exit 1)' },
    quiet: { type: 'boolean', help: 'print nothing; only the exit code' },
  },
  details: [
    'Exit: 0 clean or warnings only, 1 errors (or warnings with --strict), 2 usage, 3 not readable as a store.',
    'JSON: the report {format, findings[{kind, severity, chunk, entry?, message, expected?, found?}], errors, warnings, ...}.',
    'Finding kinds are stable names, listed in docs/check.md.',
  ].join('\n'),
  async run(args, con) {
    const quiet = args.flag('quiet');
    const dev = openDevice(args.arg('cow'), 'COW', false, quiet);
    let report: CheckReport;
    try {
      const task = checkTask(dev);
      report = quiet || con.json ? await new Job(task).run() : await runJob(task, con);
    } catch (e) {
      if (!isSnapscopeError(e) || (e.code !== 'not-a-store' && e.code !== 'io')) throw e;
      if (!quiet) {
        if (con.json) con.emit({ error: { code: e.code, message: e.message, where: e.where } });
        else con.note(`snapscope: ${e.message}`);
      }
      return EXIT_NOT_A_STORE;
    } finally {
      dev.close();
    }
    if (!quiet) con.result(report, () => renderReport(report));
    return report.errors > 0 || (args.flag('strict') && report.warnings > 0) ? 1 : 0;
  },
};

function renderReport(r: CheckReport): string {
  const lines = r.findings.map(renderFinding);
  if (r.truncated) lines.push(`... ${r.errors + r.warnings - r.findings.length} more (counts below are complete)`);
  const what = r.format === 'shared' ? `${r.blocks} tree blocks` : `${r.blocks} metadata areas`;
  const verdict = r.errors + r.warnings === 0 ? 'clean' : `${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}`;
  lines.push(`${r.device}: ${r.format} store, ${what}, ${r.exceptions} exceptions: ${verdict}`);
  return lines.join('\n');
}

function renderFinding(f: Finding): string {
  const at = `chunk ${f.chunk}${f.entry === undefined ? '' : ` entry ${f.entry}`}`;
  const detail = [f.expected === undefined ? '' : `expected ${f.expected}`, f.found === undefined ? '' : `found ${f.found}`].filter(Boolean).join(', ');
  return `${f.severity.padEnd(7)} ${f.kind} ${at}: ${f.message}${detail ? ` (${detail})` : ''}`;
}
