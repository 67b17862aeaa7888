// `npm run bench`: runs every benchmark module in turn; SNAPSCOPE_BENCH_ONLY=name,name runs some.
import { run as cliStart } from './cli-start.ts';
import { run as matched } from './matched/index.ts';
import { run as persistent } from './persistent.ts';
import { run as restoreMemory } from './restore-memory.ts';
import { run as sharedMerge } from './shared-merge.ts';
import { run as sharedScale } from './shared-scale.ts';
import { run as toolbox } from './toolbox.ts';

const benches: [string, () => Promise<unknown>][] = [
  ['cli-start', cliStart],
  ['matched', matched],
  ['persistent', persistent],
  ['restore-memory', restoreMemory],
  ['shared-merge', () => sharedMerge()],
  ['shared-scale', sharedScale],
  ['toolbox', toolbox],
];
const only = process.env['SNAPSCOPE_BENCH_ONLY']?.split(',');
for (const [name, run] of benches) {
  if (only && !only.includes(name)) continue;
  console.log(`== ${name}`);
  await run();
}
