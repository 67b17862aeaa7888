/**
 * snapscope's side of seed-grown.c (bench/shared-scale.ts), in a process of its own:
 *   grown-driver <IMAGE> <BUILD> <TIMED> <RANGE> <BUILD_GROUP> <GROUP>
 * One snapshot; random origin writes (xorshift32, matched-bench's seq seed, mod RANGE) until BUILD
 * exceptions with one commit per BUILD_GROUP requests, untimed; then TIMED more exceptions, timed,
 * with a commit after each (GROUP 1) or one per GROUP requests. Nothing flushes to the disk (the seed
 * never does), so both sides write the same metadata to the page cache. Prints one JSON line.
 */
import fs from 'node:fs';
import { ForwardingDevice } from '../../src-core/io/forwarding-device.ts';
import { SharedStore } from '../../src-core/shared/index.ts';
import { FileDevice } from '../../src-main/host/file-device.ts';
import { cpuMs } from '../timing.ts';
import { xorshiftFrom } from './workload.ts';

const CHUNK = 4096;

/** fsync skipped, as in engine-driver: the seed never flushes. */
class NoFlushDevice extends ForwardingDevice {
  /** Block reads and write requests, to print per timed insert. */
  reads = 0;
  writes = 0;
  override flush(): void {}
  override read(offset: number, dst: Uint8Array): void {
    this.reads++;
    super.read(offset, dst);
  }
  override write(offset: number, src: Uint8Array): void {
    this.writes++;
    super.write(offset, src);
  }
  writev(offset: number, parts: readonly Uint8Array[]): void {
    this.writes++;
    (this.inner as FileDevice).writev(offset, parts);
  }
}

const [image, build, timed, range, buildGroup, group] = [process.argv[2]!, ...process.argv.slice(3, 8).map(Number)] as [string, number, number, number, number, number];
fs.writeFileSync(image, '');
fs.truncateSync(image, Math.floor((build + timed) * 1.05 + 1000) * CHUNK);
const dev = new NoFlushDevice(FileDevice.open(image, { write: true }));
const store = SharedStore.format(dev, { chunkBytes: CHUNK });
store.createSnapshot({ name: 's0' });
const next = xorshiftFrom(2463534242);
let exceptions = 0;
const insert = (until: number, every: number) => {
  while (exceptions < until) {
    if (!store.prepareOriginWrite(next() % range)) continue;
    exceptions++;
    if (every > 1) store.requestCommit(every);
    else store.commit();
  }
  store.commit();
};
insert(build, buildGroup);
const [reads, writes] = [dev.reads, dev.writes];
const t = performance.now();
const c = cpuMs();
insert(build + timed, group);
const s = (performance.now() - t) / 1000;
const cpu = (cpuMs() - c) / 1000;
const readsPerInsert = (dev.reads - reads) / timed;
const writesPerInsert = (dev.writes - writes) / timed;
console.log(
  JSON.stringify({
    engine: 'snapscope',
    mode: 'grown',
    build,
    timed,
    range,
    buildGroup,
    group,
    excPerS: timed / s,
    excPerCpuS: timed / cpu,
    readsPerInsert,
    writesPerInsert,
    tree_level: store.levels,
    maxRssMiB: Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20),
  }),
);
store.close();
