import { isSnapscopeError, type ErrorLocation } from '../../../src-core/errors.ts';
import type { SnapshotInfo, StoreInfo } from '../../../src-core/store.ts';
import { discoverPairs } from '../../host/discover.ts';
import { usage, type Args } from '../args.ts';
import { EXIT_OK, exitCodeOf, type Command } from '../command.ts';
import { Console } from '../console.ts';
import { errorLine } from '../error-line.ts';
import { withStore } from '../devices.ts';
import { COW } from '../grammar.ts';
import { DEFAULT_LIVE_FIELDS, LIVE_FIELDS, liveTargets } from '../live-fields.ts';
import { percentFull } from '../percent-full.ts';
import { snapshotMark } from './snapshot-list.ts';
import { renderJson, renderText, selectFields, sortRows, type Field, type ReportOptions, type Units } from '../report.ts';

/** One report line: a snapshot of a store. */
interface Row {
  cow: string;
  info: StoreInfo;
  snap: SnapshotInfo;
  origin: string | null;
}

/** A damaged store's snapshot counts are only what its walk could prove. */
const unproven = (r: Row): boolean => r.snap.damaged === true;

const FIELDS: Field<Row>[] = [
  { name: 'cow', heading: 'COW', kind: 'text', help: 'the COW device or image', get: (r) => r.cow },
  { name: 'name', heading: 'Name', kind: 'text', help: 'snapshot name', get: (r) => r.snap.name },
  { name: 'slot', heading: 'Slot', kind: 'number', help: 'snapshot slot', get: (r) => r.snap.slot },
  { name: 'uuid', heading: 'UUID', kind: 'text', help: 'snapshot UUID', get: (r) => r.snap.uuid || null },
  { name: 'created', heading: 'Created', kind: 'time', help: 'creation time (UTC)', get: (r) => (r.snap.created === null ? null : new Date(r.snap.created * 1000).toISOString().replace('.000Z', 'Z')) },
  { name: 'exceptions', heading: 'Exceptions', kind: 'number', help: 'exceptions the snapshot reads', get: (r) => r.snap.exceptions, unknown: unproven },
  { name: 'unique', heading: 'Unique', kind: 'number', help: 'of which only it reads (freed by delete)', get: (r) => r.snap.unique, unknown: unproven },
  { name: 'shared', heading: 'Shared', kind: 'number', help: 'of which other snapshots read too', get: (r) => r.snap.shared, unknown: unproven },
  { name: 'bytes', heading: 'Size', kind: 'size', help: 'exceptions × chunk size', get: (r) => r.snap.bytes, unknown: unproven },
  { name: 'percent', heading: 'Snap%', kind: 'percent', help: 'how full the COW is, as lvs Snap%/Data%', get: (r) => percentFull(r.info) },
  { name: 'state', heading: 'State', kind: 'text', help: 'valid, invalid, merging with its progress, damaged or N chunks lost (as the mark of snapshot list)', get: (r) => state(r) },
  { name: 'origin', heading: 'Origin', kind: 'text', help: 'the origin, when device-mapper serves the snapshot', get: (r) => r.origin },
  { name: 'format', heading: 'Fmt', kind: 'text', help: 'shared or persistent', get: (r) => r.info.format },
  { name: 'chunk', heading: 'Chunk', kind: 'size', help: 'chunk size', get: (r) => r.info.chunkBytes },
  { name: 'cowSize', heading: 'CowSize', kind: 'size', help: 'size of the COW', get: (r) => r.info.deviceBytes },
];

const DEFAULT_FIELDS = ['cow', 'name', 'slot', 'created', 'exceptions', 'bytes', 'percent', 'state'];

export const ls: Command = {
  name: 'ls',
  aliases: ['status'],
  summary: 'report the snapshots of one or many stores, one line each (as lvs)',
  positionals: [{ ...COW, help: 'COW devices or images (default: the snapshot COWs device-mapper and LVM know)', optional: true, variadic: true }],
  options: {
    options: { type: 'string', short: 'o', value: 'FIELDS', help: `fields, comma-separated; +FIELDS adds to the defaults (${DEFAULT_FIELDS.join(',')})` },
    sort: { type: 'string', short: 'O', value: 'FIELDS', help: 'sort by these fields; -FIELD sorts descending (default cow,slot)' },
    noheadings: { type: 'boolean', help: 'no heading line' },
    separator: { type: 'string', value: 'SEP', help: 'separate columns with SEP (columns are then not padded)' },
    units: { type: 'choice', choices: ['h', 'b', 's', 'k', 'm', 'g', 't'], help: 'sizes in human-readable units (default), bytes, sectors, KiB, MiB, GiB or TiB' },
    nosuffix: { type: 'boolean', help: 'sizes without their unit letter' },
    reportformat: { type: 'choice', choices: ['basic', 'json'], help: 'basic (columns) or json (as --json)' },
    live: { type: 'boolean', help: "the dm snapshot targets as the kernel reports them now (root), instead of the stores' contents" },
    host: { type: 'string', value: '[USER@]HOST', help: "with --live: another machine's, through ssh and its snapscope-helper" },
  },
  details: [
    'fields:',
    ...FIELDS.map((f) => `  ${f.name.padEnd(11)} ${f.help}`),
    `fields with --live (default ${DEFAULT_LIVE_FIELDS.join(',')}):`,
    ...LIVE_FIELDS.map((f) => `  ${f.name.padEnd(11)} ${f.help}`),
    'JSON: {snapshots: [{field: value}]}; sizes in bytes unless --units is given; a store that cannot be read adds errors: [{cow, error: {code, message, where}}] (and a line on stderr).',
    'A damaged store is listed as info lists it: its damage on stderr, the counts of each snapshot it cannot count as "?" (state "damaged"; JSON gives what could be proven).',
  ].join('\n'),
  examples: [
    ['ls /tmp/demo/shared.cow', 'every snapshot of the demo store'],
    ['ls -o name,unique,bytes --sort -bytes --units m /tmp/demo/shared.cow', 'which snapshots hold the most, in MiB'],
    ['status --noheadings --separator : -o cow,name,percent', 'the snapshot COWs of this system, for a script'],
    ['ls --live --sort -percent', "this machine's dm snapshots as the kernel reports them, fullest first"],
  ],
  async run(args, con) {
    if (args.flag('live')) return liveReport(args, con);
    if (args.has('host')) throw usage('--host goes with --live', ls);
    const explicit = args.args('cow');
    const known = explicit.length && !needsOrigin(args.string('options')) ? [] : discoveredPairs();
    const cows = explicit.length ? explicit : known.map((p) => p.cow);
    const rows: Row[] = [];
    const failed: { cow: string; error: { code: string; message: string; where: ErrorLocation } }[] = [];
    let code = EXIT_OK;
    for (const cow of cows) {
      try {
        await withStore(cow, false, (store) => {
          const info = store.info();
          const origin = known.find((p) => p.cow === cow)?.origin ?? null;
          for (const snap of info.snapshots) rows.push({ cow, info, snap, origin });
          // The damage goes to stderr, as snapshot list does: stdout stays the report.
          for (const n of info.notes.filter((x) => /^(tree|table) damaged/.test(x))) con.note(`warning: ${cow}: ${n}`);
        }, { tolerateDamage: true });
      } catch (e) {
        if (!isSnapscopeError(e)) throw e;
        con.note(errorLine(e.code, e.message, e.where));
        failed.push({ cow, error: { code: e.code, message: e.message, where: e.where } });
        code = Math.max(code, exitCodeOf(e.code));
      }
    }
    const fields = selectFields(FIELDS, DEFAULT_FIELDS, args.string('options'), ls);
    const sorted = sortRows(rows, FIELDS, args.string('sort') ?? 'cow,slot', ls);
    const o = reportOptions(args);
    const json = con.json || args.string('reportformat') === 'json';
    if (json) new Console(true).result({ snapshots: renderJson(sorted, fields, o, args.has('units')), ...(failed.length ? { errors: failed } : {}) }, '');
    else if (sorted.length) con.print(renderText(sorted, fields, o).join('\n'));
    return code;
  },
};

async function liveReport(args: Args, con: Console): Promise<number> {
  if (args.args('cow').length) throw usage('--live lists the kernel\'s targets: give no COW', ls);
  const rows = await liveTargets(args.string('host'));
  const fields = selectFields(LIVE_FIELDS, DEFAULT_LIVE_FIELDS, args.string('options'), ls);
  const sorted = sortRows(rows, LIVE_FIELDS, args.string('sort') ?? 'name', ls);
  const o = reportOptions(args);
  if (con.json || args.string('reportformat') === 'json') new Console(true).result({ snapshots: renderJson(sorted, fields, o, args.has('units')) }, '');
  else if (sorted.length) con.print(renderText(sorted, fields, o).join('\n'));
  return EXIT_OK;
}

function reportOptions(args: Args): ReportOptions {
  return {
    headings: !args.flag('noheadings'),
    separator: args.string('separator'),
    units: (args.string('units') ?? 'h') as Units,
    suffix: !args.flag('nosuffix'),
  };
}

function state(r: Row): string {
  const m = r.info.merge;
  if (m && m.slot === r.snap.slot) return m.total ? `merging ${((100 * (m.done ?? 0)) / m.total).toFixed(1)}%` : 'merging';
  if (!r.info.valid) return 'invalid';
  return snapshotMark(r.snap) || 'valid';
}

function needsOrigin(list: string | undefined): boolean {
  return list !== undefined && /(^|[,+])origin(,|$)/.test(list);
}

function discoveredPairs(): { cow: string; origin: string }[] {
  return discoverPairs().pairs.map((p) => ({ cow: p.cow, origin: p.origin }));
}
