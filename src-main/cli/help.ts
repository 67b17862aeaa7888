import { optionSpecs } from './args.ts';
import { EXIT_CODES, type CommandSpec, type OptionSpec } from './command.ts';
import { padEnd, displayWidth } from './text-width.ts';

/** Help text, generated from the descriptors; man pages (man.ts) render the same pieces. */

export function usageLine(c: CommandSpec): string {
  const pos = c.positionals.map((p) => {
    const word = `<${p.name}>${p.variadic ? '...' : ''}`;
    return p.optional ? `[${word}]` : word;
  });
  const required = Object.entries(c.options)
    .filter(([, o]) => o.required)
    .map(([n, o]) => optionLabel(n, o, false));
  return ['snapscope', c.name, ...pos, ...required, '[options]'].join(' ');
}

export function optionLabel(name: string, o: OptionSpec, withShort = true): string {
  const long = o.type === 'boolean' ? `--${name}` : `--${name} ${placeholder(o)}`;
  return withShort && o.short ? `-${o.short}, ${long}` : long;
}

export function placeholder(o: OptionSpec): string {
  return o.value ?? (o.type === 'choice' ? o.choices!.join('|') : o.type.toUpperCase());
}

export function optionHelp(o: OptionSpec): string {
  return `${o.required ? '(required) ' : ''}${o.help}${o.multiple ? ' (repeatable)' : ''}`;
}

/** Exit codes of one command: the common ones and its own. */
export function exitCodes(c?: CommandSpec): [string, string][] {
  return Object.entries({ ...EXIT_CODES, ...c?.exits })
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([code, what]) => [code, what]);
}

export function commandHelp(c: CommandSpec): string {
  const lines = [`usage: ${usageLine(c)}`, '', c.summary];
  if (c.positionals.length) lines.push('', 'arguments:', ...table(c.positionals.map((p) => [`<${p.name}>`, p.help])));
  lines.push('', 'options:', ...table(Object.entries(optionSpecs(c)).map(([n, o]) => [optionLabel(n, o), optionHelp(o)])));
  if (c.details) lines.push('', ...c.details.trimEnd().split('\n'));
  lines.push('', 'examples:', ...c.examples.flatMap(([cmd, what]) => [`  snapscope ${cmd}`, `      ${what}`]));
  lines.push('', 'exit status:', ...table(exitCodes(c)));
  return lines.join('\n');
}

export function mainHelp(commands: readonly CommandSpec[]): string {
  return [
    'usage: snapscope <command> [arguments] [options]',
    '',
    'Inspect and manage device-mapper snapshot exception stores (shared and persistent COW formats).',
    'Every command takes the COW (the exception store) first; the origin is --origin, a snapshot -s/--snapshot.',
    '',
    'commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    'global options: --json (JSON output, errors too), -h/--help, --version',
    'sizes: bytes, or a number with s (sectors), k, M, G or T (powers of 1024)',
    '',
    'exit status:',
    ...table(exitCodes()),
    '',
    "run 'snapscope help <command>' or 'snapscope <command> --help' for a command's options and examples",
  ].join('\n');
}

/** `snapscope snapshot`: the subcommands of a group. */
export function groupHelp(group: string, commands: readonly CommandSpec[]): string {
  return [`usage: snapscope ${group} <subcommand> ...`, '', 'subcommands:', ...table(commands.map((c) => [c.name, c.summary]))].join('\n');
}

function table(rows: string[][]): string[] {
  const width = Math.max(...rows.map((r) => displayWidth(r[0]!)));
  return rows.map(([a, b]) => `  ${padEnd(a!, width)}  ${b}`);
}
