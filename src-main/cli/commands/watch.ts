import { spawn } from 'node:child_process';
import { duration } from '../../../src-core/api/duration.ts';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { SnapshotWatch, watchedTargets, type WatchRow } from '../../../src-core/live/snapshot-watch.ts';
import { HelperDevice } from '../../host/helper-device.ts';
import { discoverSnapshots, localReport, type LiveTarget } from '../../host/live/discover.ts';
import { sshLauncher } from '../../host/live/remote.ts';
import { EXIT_INTERRUPTED, EXIT_OK, type Command } from '../command.ts';
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
    const interrupt = new Interrupt();
    let link: HelperDevice | null = null;
    try {
      // One helper connection for every poll of a remote host; none for this one (we run the tools).
      link = host ? HelperDevice.connect(sshLauncher(host), host) : null;
      const report = link ? async () => link!.listDm() : localReport;
      for (let poll = 0; !interrupt.happened && (count === undefined || poll < count); poll++) {
        if (poll > 0 && (await interrupt.sleep(interval * 1000))) break;
        const targets = (await discoverSnapshots(report, host ?? 'this host')).filter((t) => !wanted || matches(t, wanted));
        if (wanted && targets.length === 0) throw new SnapscopeError('not-found', `no dm snapshot named ${wanted} on ${host ?? 'this host'}`);
        const rows = tracker.update(Date.now(), watchedTargets(targets));
        if (!con.json && poll === 0 && rows.length === 0) con.note(`no dm snapshots on ${host ?? 'this host'}`);
        for (const r of rows) {
          con.result(r, () => line(r));
          if (r.alert && hook) await runHook(hook, r, con);
        }
      }
    } catch (e) {
      // Ctrl-C reaches the whole process group: it ends a poll's dmsetup or ssh under us, and the
      // poll fails. That failure is the interrupt, not an error.
      if (await interrupt.arrived()) return EXIT_INTERRUPTED;
      throw e;
    } finally {
      interrupt.dispose();
      link?.close();
    }
    return interrupt.happened ? EXIT_INTERRUPTED : EXIT_OK;
  },
};

/**
 * SIGINT for a command that only reads: it ends the wait between polls at once. A poll blocks this
 * thread (the helper and dmsetup are synchronous), so a SIGINT sent to this process alone acts
 * when the poll returns; a terminal's Ctrl-C also ends the poll's child, and with it the poll.
 */
class Interrupt {
  happened = false;
  private wake: (() => void) | null = null;
  private readonly onSignal = (): void => {
    this.happened = true;
    this.wake?.();
  };

  constructor() {
    process.on('SIGINT', this.onSignal);
  }

  /** Waits `ms`; true when a SIGINT cut the wait short. */
  sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.happened), ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** Whether a SIGINT has come, letting one that is still queued (a moment ago) reach its listener. */
  async arrived(): Promise<boolean> {
    if (!this.happened) await new Promise((resolve) => setTimeout(resolve, 50));
    return this.happened;
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
  }
}

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
