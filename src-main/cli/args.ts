import { SnapscopeError } from '../../src-core/errors.ts';
import type { Command, OptionSpec } from './command.ts';
import { parseSize } from './size.ts';

type Value = string | number | boolean;

/** A command's parsed arguments; accessors throw usage errors naming the missing option. */
export class Args {
  constructor(
    private readonly command: Command,
    private readonly positional: Map<string, string>,
    private readonly options: Map<string, Value>,
  ) {}

  arg(name: string): string {
    const v = this.positional.get(name);
    if (v === undefined) throw usage(`missing <${name}>`, this.command);
    return v;
  }
  optionalArg(name: string): string | undefined {
    return this.positional.get(name);
  }
  has(name: string): boolean {
    return this.options.has(name);
  }
  flag(name: string): boolean {
    return this.options.get(name) === true;
  }
  string(name: string): string | undefined {
    const v = this.options.get(name);
    return typeof v === 'string' ? v : undefined;
  }
  number(name: string): number | undefined {
    const v = this.options.get(name);
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
  help: { type: 'boolean', help: 'show help for this command' },
};

/** Parses `--opt value`, `--opt=value`, `--flag` and positionals; `--` ends options. */
export function parseArgs(command: Command, argv: readonly string[]): Args {
  const specs = { ...GLOBAL_OPTIONS, ...command.options };
  const options = new Map<string, Value>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '-') {
      if (a.startsWith('-') && a !== '-' && !/^-\d/.test(a)) throw usage(`unknown option ${a}`, command);
      rest.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw usage(`unknown option --${name}`, command);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw usage(`--${name} takes no value`, command);
      options.set(name, true);
      continue;
    }
    const text = eq >= 0 ? a.slice(eq + 1) : argv[++i];
    if (text === undefined) throw usage(`--${name} needs a value`, command);
    options.set(name, convert(name, spec, text, command));
  }
  const positional = new Map<string, string>();
  const specsPos = command.positionals;
  if (rest.length > specsPos.length) throw usage(`unexpected argument '${rest[specsPos.length]}'`, command);
  specsPos.forEach((p, i) => {
    const v = rest[i];
    if (v !== undefined) positional.set(p.name, v);
    else if (!p.optional && !options.has('help')) throw usage(`missing <${p.name}>`, command);
  });
  return new Args(command, positional, options);
}

function convert(name: string, spec: OptionSpec, text: string, command: Command): Value {
  if (spec.type === 'string') return text;
  if (spec.type === 'size') return parseSize(text, `--${name}`);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw usage(`--${name}: '${text}' is not a non-negative integer`, command);
  return Number(text);
}

export function usage(message: string, command?: Command): SnapscopeError {
  const hint = command ? ` (see: snapscope ${command.name} --help)` : ' (see: snapscope --help)';
  return new SnapscopeError('usage', message + hint);
}
