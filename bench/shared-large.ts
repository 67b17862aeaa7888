/**
 * Bounded memory on a large shared store (run as its own process by bench/shared.ts, so earlier
 * benchmarks do not inflate its RSS): `argv[2]` exceptions of one snapshot, origin chunks in
 * order, a commit every 100k, on a sparse file with the default 64 MiB block cache. Prints one
 * JSON line: rate (wall, CPU), RSS at start and at most (sampled at each commit), the kernel's peak
 * RSS, and the reopen time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SharedStore } from '../src-core/shared/index.ts';
import { FileDevice } from '../src-main/host/file-device.ts';
import { timed } from './timing.ts';

const CHUNK = 4096;
const n = Number(process.argv[2]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'snapscope-bench-'));
const file = path.join(dir, 'shared.cow');
try {
  fs.writeFileSync(file, '');
  fs.truncateSync(file, CHUNK * Math.ceil(n * 1.05 + 1000));
  const store = SharedStore.format(FileDevice.open(file, { write: true }), { chunkBytes: CHUNK });
  store.createSnapshot({ name: 'big' });
  const rssStart = process.memoryUsage().rss;
  let rssMax = rssStart;
  const t = timed(() => {
    for (let c = 0; c < n; c++) {
      store.prepareOriginWrite(c);
      if (c % 100_000 === 99_999) {
        store.commit();
        rssMax = Math.max(rssMax, process.memoryUsage().rss);
      }
    }
    store.close();
  });
  const t0 = performance.now();
  const reopened = SharedStore.open(FileDevice.open(file));
  const reopenMs = performance.now() - t0;
  // A walk over every leaf through the bounded cache: memory stays flat here too.
  const info = reopened.info();
  reopened.close();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ n, exceptions: info.exceptions, leaves: info.tree?.leaves, ms: t.ms, cpu: t.cpu, rssStart, rssMax, peakRss, reopenMs }));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
