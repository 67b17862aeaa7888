import { parseArgs as parseTokens } from 'node:util';
import { SnapscopeError } from '../../src-core/errors.ts';
import type { CommandSpec, OptionSpec } from './command.ts';
import { parseDecimal, parseInteger, parseSize } from './size.ts';
import { didYouMean } from './suggest.ts';

type Value = string | number | boolean;

/** A command's parsed arguments; accessors throw usage errors naming what is missing. */
export class Args {
  constructor(
    private readonly command: CommandSpec,
    private readonly positional: Map<string, string[]>,
    private readonly options: Map<string, Value[]>,
  ) {}

  /** A required positional, or a required option's value (`--origin`): present after parsing. */
  arg(name: string): string {
    const v = this.positional.get(name)?.[0] ?? this.string(name);
    if (v === undefined) throw usage(this.command.options[name] ? `--${name} is required` : `missing <${name}>`, this.command);
    return v;
  }
  optionalArg(name: string): string | undefined {
    return this.positional.get(name)?.[0];
  }
  /** Every value of a variadic positional. */
  args(name: string): string[] {
    return this.positional.get(name) ?? [];
  }
  has(name: string): boolean {
    return this.options.has(name);
  }
  flag(name: string): boolean {
    return this.options.get(name)?.at(-1) === true;
  }
  string(name: string): string | undefined {
    const v = this.options.get(name)?.at(-1);
    return typeof v === 'string' ? v : undefined;
  }
  /** Every value of a repeatable option, in order. */
  strings(name: string): string[] {
    return (this.options.get(name) ?? []).filter((v): v is string => typeof v === 'string');
  }
  number(name: string): number | undefined {
    const v = this.options.get(name)?.at(-1);
    return typeof v === 'number' ? v : undefined;
  }
  requireString(name: string): string {
    const v = this.string(name);
    if (v === undefined) throw usage(`--${name} is required`, this.command);
    return v;
  }
  requireNumber(name: string): number {
    const v = this.number(name);
    if (v === undefined) throw usage(`--${name} is required`, this.command);
    return v;
  }
}

/** Options every command accepts; main.ts acts on them. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', help: 'machine-readable output (errors too)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export function optionSpecs(command: CommandSpec): Record<string, OptionSpec> {
  return { ...command.options, ...GLOBAL_OPTIONS };
}

/**
 * The one grammar: `--name value`, `--name=value`, `-s value`, grouped short flags, `--` ends
 * options; options and positionals in any order. Values are converted by type here, so a
 * command only ever sees valid numbers.
 */
export function parseArgs(command: CommandSpec, argv: readonly string[]): Args {
  const specs = optionSpecs(command);
  const { tokens } = parseTokens({
    args: [...argv],
    options: Object.fromEntries(Object.entries(specs).map(([n, o]) => [n, { type: o.type === 'boolean' ? 'boolean' : 'string', ...(o.short && { short: o.short }) }])),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const options = new Map<string, Value[]>();
  const rest: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') rest.push(t.value);
    if (t.kind !== 'option') continue;
    const spec = specs[t.name];
    if (!spec) {
      const names = Object.keys(specs).map((n) => `--${n}`);
      throw usage(`unknown option ${t.rawName}${didYouMean(t.rawName.startsWith('--') ? t.rawName : `--${t.name}`, names)}`, command);
    }
    const label = t.rawName;
    if (spec.type === 'boolean') {
      if (t.inlineValue) throw usage(`${label} takes no value`, command);
      options.set(t.name, [...(options.get(t.name) ?? []), true]);
      continue;
    }
    if (t.value === undefined) throw usage(`${label} needs a value (${spec.value ?? spec.type.toUpperCase()})`, command);
    const value = convert(`--${t.name}`, spec, t.value, command);
    options.set(t.name, spec.multiple ? [...(options.get(t.name) ?? []), value] : [value]);
  }
  const positional = assignPositionals(command, rest, options.has('help'));
  if (!options.has('help')) {
    for (const [name, spec] of Object.entries(command.options)) {
      if (spec.required && !options.has(name)) throw usage(`--${name} is required`, command);
    }
  }
  return new Args(command, positional, options);
}

function assignPositionals(command: CommandSpec, rest: string[], help: boolean): Map<string, string[]> {
  const positional = new Map<string, string[]>();
  const specs = command.positionals;
  const variadic = specs.at(-1)?.variadic === true;
  if (!variadic && rest.length > specs.length) throw usage(`unexpected argument '${rest[specs.length]}'`, command);
  specs.forEach((p, i) => {
    const values = p.variadic ? rest.slice(i) : rest.slice(i, i + 1);
    if (values.length) positional.set(p.name, values);
    else if (!p.optional && !help) throw usage(`missing <${p.name}>`, command);
  });
  return positional;
}

function convert(what: string, spec: OptionSpec, text: string, command: CommandSpec): Value {
  if (spec.type === 'size') return parseSize(text, what);
  if (spec.type === 'integer') return parseInteger(text, what);
  if (spec.type === 'number') return parseDecimal(text, what);
  if (spec.type === 'choice' && !spec.choices!.includes(text)) {
    throw usage(`${what}: '${text}' is not one of ${spec.choices!.join(', ')}${didYouMean(text, spec.choices!)}`, command);
  }
  return text;
}

export function usage(message: string, command?: Pick<CommandSpec, 'name'>): SnapscopeError {
  const hint = command ? ` (see: snapscope ${command.name} --help)` : ' (see: snapscope --help)';
  return new SnapscopeError('usage', message + hint);
}
