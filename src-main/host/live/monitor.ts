import type { LiveHostDto, LiveSnapshotDto } from '../../../src-core/api/contract.ts';
import { SnapscopeError } from '../../../src-core/errors.ts';
import { SnapshotWatch, watchedTargets, type WatchRow } from '../../../src-core/live/snapshot-watch.ts';
import { dmReport, type DmReport } from '../../helper/dm-report.mjs';
import { HelperDevice, type HelperLauncher } from '../helper-device.ts';
import { discoverSnapshots, type LiveTarget } from './discover.ts';
import { THIS_HOST } from './live-cow.ts';
import { sshLauncher } from './remote.ts';

/**
 * The live dm snapshots of this machine and of remote hosts, polled by the UI: one SnapshotWatch
 * per host keeps the rates between polls, and one helper connection per host serves every poll.
 * Locally the tools run directly as root, else through the privileged helper when there is one.
 */
export class LiveMonitor {
  private readonly watches = new Map<string, SnapshotWatch>();
  private readonly links = new Map<string, HelperDevice>();

  constructor(
    private readonly localHelper: HelperLauncher | null,
    private readonly remote: (host: string) => HelperLauncher = (h) => sshLauncher(h),
    private readonly now: () => number = Date.now,
  ) {}

  async poll(hosts: readonly string[]): Promise<LiveHostDto[]> {
    const out: LiveHostDto[] = [];
    for (const host of [THIS_HOST, ...hosts.filter((h) => h !== THIS_HOST)]) out.push(await this.pollHost(host));
    return out;
  }

  close(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
  }

  private async pollHost(host: string): Promise<LiveHostDto> {
    const asOf = this.now();
    let targets: LiveTarget[];
    try {
      targets = await discoverSnapshots(async () => this.report(host), host);
    } catch (e) {
      this.drop(host); // a broken connection is made anew at the next poll
      if (!(e instanceof SnapscopeError)) throw e;
      return { host, state: 'unavailable', message: e.message, asOf, snapshots: [] };
    }
    let watch = this.watches.get(host);
    if (!watch) this.watches.set(host, (watch = new SnapshotWatch()));
    const rows = new Map(watch.update(asOf, watchedTargets(targets)).map((r) => [r.name, r]));
    return { host, state: 'ok', message: null, asOf, snapshots: targets.map((t) => toDto(t, rows.get(t.name) ?? null)) };
  }

  private report(host: string): DmReport {
    if (host === THIS_HOST && (process.getuid?.() === 0 || !this.localHelper)) return dmReport();
    let link = this.links.get(host);
    if (!link) {
      link = HelperDevice.connect(host === THIS_HOST ? this.localHelper! : this.remote(host), host);
      this.links.set(host, link);
    }
    return link.listDm();
  }

  private drop(host: string): void {
    this.links.get(host)?.close();
    this.links.delete(host);
  }
}

function toDto(t: LiveTarget, row: WatchRow | null): LiveSnapshotDto {
  return {
    name: t.name,
    kind: t.table.kind,
    state: t.status?.state ?? null,
    store: t.table.store ?? null,
    chunkSectors: t.table.chunkSectors ?? null,
    originPath: t.originPath,
    cowPath: t.cowPath,
    lvm: t.lvm,
    usage: t.status?.usage ?? null,
    percent: row?.fill?.percent ?? null,
    chunksPerMinute: row?.fill?.chunksPerMinute ?? null,
    secondsToOverflow: row?.fill?.secondsToOverflow ?? null,
    newChunks: row?.fill?.newChunks ?? 0,
    merge: row?.merge ?? null,
    alert: row?.alert ?? null,
  };
}
