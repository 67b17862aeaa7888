import { load } from './commands/index.ts';
import { runCli } from './run.ts';

/** The CLI from sources, and the bundle's entry for help, --version and errors: commands load lazily. */
await runCli(load);
