import type { HostContext, Handlers } from '../context.ts';
import { liveLauncher } from '../live/live-cow.ts';
import { LiveMonitor } from '../live/monitor.ts';

/** Live dm snapshots of this machine and remote hosts (ADR 0008). */
export function liveCalls(ctx: HostContext): Handlers<'liveSnapshots'> {
  const monitor = new LiveMonitor(ctx.config.helper.launcher, (host) => liveLauncher(ctx.config, host));
  return {
    liveSnapshots: async ({ hosts }) => ({ hosts: await monitor.poll([...(ctx.config.liveHosts ?? []), ...(hosts ?? [])]) }),
  };
}
