// `npm run bench`: runs every benchmark module in turn.
import { run as persistent } from './persistent.ts';

const benches: [string, () => Promise<unknown>][] = [['persistent', persistent]];
for (const [name, run] of benches) {
  console.log(`== ${name}`);
  await run();
}
