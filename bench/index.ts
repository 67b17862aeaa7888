// `npm run bench`: runs every benchmark module in turn.
import { run as cliStart } from './cli-start.ts';
import { run as persistent } from './persistent.ts';
import { run as shared } from './shared.ts';
import { run as sharedMerge } from './shared-merge.ts';
import { run as toolbox } from './toolbox.ts';

const benches: [string, () => Promise<unknown>][] = [['cli start-up', cliStart], ['persistent', persistent], ['shared', shared], ['shared merge', () => sharedMerge()], ['toolbox', toolbox]];
for (const [name, run] of benches) {
  console.log(`== ${name}`);
  await run();
}
