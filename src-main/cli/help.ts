import { GLOBAL_OPTIONS } from './args.ts';
import type { Command, OptionSpec } from './command.ts';

export function commandHelp(c: Command): string {
  const pos = c.positionals.map((p) => (p.optional ? `[<${p.name}>]` : `<${p.name}>`)).join(' ');
  const lines = [`usage: snapscope ${c.name}${pos ? ' ' + pos : ''} [options]`, '', c.summary];
  if (c.positionals.length) {
    lines.push('', 'arguments:');
    lines.push(...table(c.positionals.map((p) => [`<${p.name}>`, p.help])));
  }
  lines.push('', 'options:');
  lines.push(...table(Object.entries({ ...c.options, ...GLOBAL_OPTIONS }).map(([n, o]) => [optionLabel(n, o), o.help])));
  if (c.details) lines.push('', c.details.trimEnd());
  return lines.join('\n');
}

export function mainHelp(commands: readonly Command[]): string {
  return [
    'usage: snapscope <command> [arguments] [options]',
    '',
    'Inspect and manage device-mapper snapshot exception stores (shared and persistent COW formats).',
    '',
    'commands:',
    ...table(commands.map((c) => [c.name, c.summary])),
    '',
    'global options: --json (JSON output, errors too), --help, --version',
    'sizes: bytes, or a number with k, M or G (powers of 1024)',
    'exit status: 0 ok, 1 failure, 2 usage error',
    "run 'snapscope <command> --help' for a command's options",
  ].join('\n');
}

function optionLabel(name: string, o: OptionSpec): string {
  return o.type === 'boolean' ? `--${name}` : `--${name} ${o.value ?? o.type.toUpperCase()}`;
}

function table(rows: string[][]): string[] {
  const width = Math.max(...rows.map((r) => r[0]!.length));
  return rows.map(([a, b]) => `  ${a!.padEnd(width)}  ${b}`);
}
