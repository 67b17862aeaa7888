import { spawn } from 'node:child_process';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { SnapshotWatch, watchedTargets, type WatchRow } from '../../../src-core/live/snapshot-watch.ts';
import { HelperDevice } from '../../host/helper-device.ts';
import { discoverSnapshots, localReport, type LiveTarget } from '../../host/live/discover.ts';
import { sshLauncher } from '../../host/live/remote.ts';
import type { Command } from '../command.ts';
import type { Console } from '../console.ts';

export const watch: Command = {
  name: 'watch',
  summary: "follow this host's dm snapshots live: fill, rate, time to overflow, kernel merges",
  positionals: [{ name: 'device', help: 'a dm name (vg-snap), /dev/mapper path or LVM vg/lv; all snapshots when omitted', optional: true, complete: 'none' }],
  options: {
    interval: { type: 'integer', help: 'seconds between polls (default 1)', value: 'S' },
    count: { type: 'integer', help: 'stop after N polls (default: until Ctrl-C)', value: 'N' },
    warn: { type: 'integer', help: 'warn at this Snap% (default 80)', value: 'PERCENT' },
    host: { type: 'string', help: "watch another machine's snapshots through ssh (its snapscope-helper under sudo -n)", value: '[USER@]HOST' },
    hook: {
      type: 'string',
      help: 'run this shell command once when a snapshot crosses --warn, is invalidated, or a merge finishes; it gets SNAPSCOPE_DEVICE, SNAPSCOPE_EVENT and SNAPSCOPE_PERCENT',
      value: 'CMD',
    },
  },
  details: [
    'Reads `dmsetup table` and `dmsetup status` (root), and `lvs` when lvm2 is installed; never',
    'suspends or changes a device. Snap% is computed as lvs does. A merge is followed from the',
    "snapshot-merge target's status: it is finished exactly when allocated falls to metadata.",
    'JSON: one line per snapshot per poll.',
  ].join('\n'),
  examples: [
    ['watch', "every dm snapshot of this machine, a line per snapshot per second, until Ctrl-C"],
    ['watch vg/snap --interval 10 --hook /usr/local/bin/snap-alert', 'one LVM snapshot every 10 s; the script runs once per alert'],
  ],
  async run(args, con) {
    const interval = positive(args.number('interval') ?? 1, '--interval');
    const count = args.number('count');
    const warnPercent = args.number('warn') ?? 80;
    if (warnPercent < 1 || warnPercent > 100) throw new SnapscopeError('usage', `--warn ${warnPercent}: a percent from 1 to 100`);
    const wanted = args.optionalArg('device');
    const hook = args.string('hook');
    const tracker = new SnapshotWatch(warnPercent);
    const host = args.string('host');
    // One helper connection for every poll of a remote host; none for this one (we run the tools).
    const link = host ? HelperDevice.connect(sshLauncher(host), host) : null;
    const report = link ? async () => link.listDm() : localReport;
    let stop = false;
    const onInt = () => (stop = true);
    process.once('SIGINT', onInt);
    try {
      for (let poll = 0; !stop && (count === undefined || poll < count); poll++) {
        if (poll > 0) await new Promise((r) => setTimeout(r, interval * 1000));
        const targets = (await discoverSnapshots(report, host ?? 'this host')).filter((t) => !wanted || matches(t, wanted));
        if (wanted && targets.length === 0) throw new SnapscopeError('not-found', `no dm snapshot named ${wanted} on ${host ?? 'this host'}`);
        const rows = tracker.update(Date.now(), watchedTargets(targets));
        if (!con.json && poll === 0 && rows.length === 0) con.note(`no dm snapshots on ${host ?? 'this host'}`);
        for (const r of rows) {
          con.result(r, () => line(r));
          if (r.alert && hook) await runHook(hook, r, con);
        }
      }
    } finally {
      process.off('SIGINT', onInt);
      link?.close();
    }
    return stop ? 130 : 0;
  },
};

function matches(t: LiveTarget, wanted: string): boolean {
  return t.name === wanted || `/dev/mapper/${t.name}` === wanted || (t.lvm !== null && `${t.lvm.vg}/${t.lvm.lv}` === wanted);
}

function line(r: WatchRow): string {
  const name = r.name.padEnd(20);
  if (r.state !== 'active') return `${name} ${r.kind.padEnd(14)} ${r.state.toUpperCase()}${r.state === 'Invalid' ? ': the kernel invalidated it (the COW overflowed or failed); reads give EIO' : ''}`;
  const u = r.usage!;
  if (r.merge) {
    const m = r.merge;
    if (m.finished) return `${name} merging        100.0%  finished`;
    return `${name} merging        ${m.percent.toFixed(1).padStart(5)}%  ${m.chunksPerSecond === null ? '' : `${m.chunksPerSecond.toFixed(0)} chunks/s  `}${m.secondsLeft === null ? '' : `done in ${duration(m.secondsLeft)}`}`.trimEnd();
  }
  const f = r.fill!;
  const rate = f.chunksPerMinute === null ? '' : `  ${f.chunksPerMinute.toFixed(1)} chunks/min`;
  const eta = f.secondsToOverflow === null ? '' : `  full in ${duration(f.secondsToOverflow)}`;
  return `${name} snapshot       ${f.percent.toFixed(1).padStart(5)}%  ${u.allocated}/${u.total} sectors  +${f.newChunks} chunks${rate}${eta}${f.warn ? '  WARNING' : ''}`;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

function positive(n: number, what: string): number {
  if (!(n > 0)) throw new SnapscopeError('usage', `${what} ${n}: must be at least 1`);
  return n;
}

/** The alert hook, as dmeventd runs its autoextend: once per event, its exit status reported. */
function runHook(hook: string, r: WatchRow, con: Console): Promise<void> {
  const percent = r.fill?.percent ?? r.merge?.percent ?? 0;
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', hook], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, SNAPSCOPE_DEVICE: r.name, SNAPSCOPE_EVENT: r.alert!, SNAPSCOPE_PERCENT: percent.toFixed(1) },
    });
    child.on('error', (e) => {
      con.note(`snapscope: hook for ${r.name} could not start: ${e.message}`);
      resolve();
    });
    child.on('exit', (code) => {
      if (code !== 0) con.note(`snapscope: hook for ${r.name} (${r.alert}) exited ${code}`);
      resolve();
    });
  });
}
