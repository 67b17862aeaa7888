import type { Args } from './args.ts';
import type { Console } from './console.ts';

/**
 * One CLI command. Every command is a file in `commands/` exporting one of these, listed in
 * `commands/index.ts`; main.ts parses arguments against `options`/`positionals`, prints help from
 * the same descriptor, and maps what `run` throws to an exit code.
 */
export interface Command {
  /** Words that select it: 'info', 'snapshot create'. */
  name: string;
  summary: string;
  positionals: PositionalSpec[];
  options: Record<string, OptionSpec>;
  /** Extra help text after the option list (examples, format notes). */
  details?: string;
  /** Resolves to the exit code; undefined means 0. */
  run(args: Args, con: Console): Promise<number | void> | number | void;
}

export interface PositionalSpec {
  name: string;
  help: string;
  optional?: boolean;
}

export type OptionType = 'boolean' | 'string' | 'size' | 'integer';

export interface OptionSpec {
  type: OptionType;
  help: string;
  /** Placeholder in help ("BYTE", "F"); defaults to the option's type. */
  value?: string;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
