import fs from 'node:fs';
import { EXIT_PIPE_CLOSED, OutputClosed } from '../host/access/stream-write.ts';
import { describeLocation, isSnapscopeError, type ErrorLocation } from '../../src-core/errors.ts';
import { parseArgs, usage } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type Command } from './command.ts';
import { commands } from './commands/index.ts';
import { Console } from './console.ts';
import { commandHelp, mainHelp } from './help.ts';

/** The CLI's composition root: pick the command, parse, run, map errors to exit codes. */
async function main(argv: readonly string[]): Promise<number> {
  const con = new Console(argv.includes('--json'));
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
      con.print(mainHelp(commands));
      return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
    }
    if (argv[0] === '--version') {
      con.result({ version: version() }, `snapscope ${version()}`);
      return EXIT_OK;
    }
    const { command, rest } = findCommand(argv);
    const args = parseArgs(command, rest);
    if (args.flag('help')) {
      con.print(commandHelp(command));
      return EXIT_OK;
    }
    return (await command.run(args, con)) ?? EXIT_OK;
  } catch (e) {
    return reportError(e, con);
  }
}

/** The command whose name is the longest prefix of argv's leading words. */
function findCommand(argv: readonly string[]): { command: Command; rest: string[] } {
  let best: Command | undefined;
  for (const c of commands) {
    const words = c.name.split(' ');
    if (words.every((w, i) => argv[i] === w) && words.length > (best?.name.split(' ').length ?? 0)) best = c;
  }
  if (best) return { command: best, rest: argv.slice(best.name.split(' ').length) };
  const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `)).map((c) => c.name);
  if (group.length) throw usage(`'${argv[0]}' needs a subcommand: ${group.join(', ')}`);
  throw usage(`unknown command '${argv[0]}'`);
}

function reportError(e: unknown, con: Console): number {
  if (e instanceof OutputClosed) return EXIT_PIPE_CLOSED; // `snapscope tree | head`: quiet, as coreutils
  const code = isSnapscopeError(e) ? e.code : 'internal';
  const message = e instanceof Error ? e.message : String(e);
  const where: ErrorLocation = isSnapscopeError(e) ? e.where : {};
  if (con.json) con.emit({ error: { code, message, where } });
  else {
    // Messages that start with "<device>:" locate themselves; others get the location appended,
    // without the device when the message names it already.
    const { device, ...rest } = where;
    const selfLocated = device !== undefined && message.startsWith(`${device}:`);
    const suffix = selfLocated ? '' : describeLocation(device !== undefined && !message.includes(device) ? where : rest);
    con.note(`snapscope: ${code === 'internal' ? 'internal error: ' : ''}${message}${suffix}`);
  }
  return code === 'usage' ? EXIT_USAGE : EXIT_FAILURE;
}

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

// Whatever escapes (an error in a callback) still ends as one line and exit 1, never a stack trace.
process.on('uncaughtException', (e) => process.exit(reportError(e, new Console(process.argv.includes('--json')))));
process.exitCode = await main(process.argv.slice(2));
