import { isSnapscopeError, SnapscopeError, type ErrorLocation } from '../../src-core/errors.ts';
import { OutputClosed } from '../host/access/stream-write.ts';
import { parseArgs } from './args.ts';
import { catalog } from './catalog.ts';
import { EXIT_BROKEN_PIPE, EXIT_OK, EXIT_USAGE, exitCodeOf, type Command } from './command.ts';
import { Console } from './console.ts';
import { errorLine } from './error-line.ts';
import { findCommand, GroupWithoutSubcommand } from './find-command.ts';
import { commandHelp, groupHelp, mainHelp } from './help.ts';
import { JSON_SCHEMA } from './json.ts';

/**
 * The CLI: find the command in the catalog, parse its arguments, load and run only that command's
 * module (`load`), map what it throws to an exit code. main.ts runs it with every command a lazy
 * import; the bundle's per-command files with their one command (bin/snapscope.cjs).
 */
export async function runCli(load: (name: string) => Promise<Command>): Promise<void> {
  // Whatever escapes (an error in a callback, a write to a closed pipe) still ends as one line and
  // its exit code, never a stack trace; a closed stdout ends quietly (reportError). Output goes to
  // fd 1 directly (Console), so process.stdout is not made: creating its stream costs start-up.
  process.on('uncaughtException', (e) => process.exit(reportError(e, new Console(process.argv.includes('--json')))));
  process.exitCode = await main(process.argv.slice(2), load);
}

async function main(all: readonly string[], load: (name: string) => Promise<Command>): Promise<number> {
  const json = all.includes('--json');
  const con = new Console(json);
  // --json is global: before the command (`snapscope --json info x`) as after it.
  const first = all.findIndex((a) => a !== '--json');
  const argv = first === -1 ? [] : all.slice(first);
  try {
    const { version, commands } = await catalog();
    if (argv[0] === '--version' || argv[0] === '-V') {
      con.result({ version }, `snapscope ${version}`);
      return EXIT_OK;
    }
    // Like git: asked for help → stdout and 0; no command at all is a usage error → stderr and 2.
    if (argv.length === 0) {
      const names = [...new Set(commands.map((c) => c.name.split(' ')[0]!))].join(', ');
      if (con.json) return reportError(new SnapscopeError('usage', `snapscope needs a command: ${names} (see: snapscope --help)`), con);
      con.note(mainHelp(commands));
      return EXIT_USAGE;
    }
    if (argv[0] === '--help' || argv[0] === '-h') {
      text(mainHelp(commands));
      return EXIT_OK;
    }
    const { spec, rest } = findCommand(commands, argv);
    const args = parseArgs(spec, rest);
    if (args.flag('help')) {
      text(commandHelp(spec));
      return EXIT_OK;
    }
    const command = await load(spec.name);
    return (await command.run(args, con)) ?? EXIT_OK;
  } catch (e) {
    if (e instanceof GroupWithoutSubcommand) {
      const subcommands = e.commands.map((c) => c.name.slice(e.group.length + 1)).join(', ');
      if (con.json) return reportError(new SnapscopeError('usage', `${e.group} needs a subcommand: ${subcommands}`), con);
      con.note(groupHelp(e.group, e.commands));
      return EXIT_USAGE;
    }
    return reportError(e, con);
  }
}

/** Help is text even with --json. */
function text(s: string): void {
  new Console(false).print(s);
}

function reportError(e: unknown, con: Console): number {
  if (isBrokenPipe(e)) return EXIT_BROKEN_PIPE;
  const code = isSnapscopeError(e) ? e.code : 'internal';
  const message = e instanceof Error ? e.message : String(e);
  const where: ErrorLocation = isSnapscopeError(e) ? e.where : {};
  if (con.json) con.emit({ schema: JSON_SCHEMA, error: { code, message, where } });
  else con.note(errorLine(code, message, where));
  return exitCodeOf(code);
}

function isBrokenPipe(e: unknown): boolean {
  return e instanceof OutputClosed || (e as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}
