import type { Args } from './args.ts';
import type { Console } from './console.ts';

/**
 * What the CLI knows about a command without loading it: the grammar (parsed by args.ts), help
 * and man pages (help.ts, scripts/man.ts) and shell completion all come from this one descriptor.
 * The bundle carries every descriptor as JSON, so only the chosen command's module is loaded.
 */
export interface CommandSpec {
  /** Words that select it: 'info', 'snapshot create'. */
  name: string;
  /** Other names that select it ('status' for 'ls'). */
  aliases?: string[];
  summary: string;
  positionals: PositionalSpec[];
  options: Record<string, OptionSpec>;
  /** Extra help text after the option list (format notes, what the JSON holds). */
  details?: string;
  /** At least one: [command line after `snapscope `, what it does]. */
  examples: [string, string][];
  /** Exit codes beyond the common ones (EXIT_CODES), e.g. check's 4. */
  exits?: Record<number, string>;
}

/** One CLI command: its descriptor and what it does. A file in commands/, a line in commands/index.ts. */
export interface Command extends CommandSpec {
  /** Resolves to the exit code; undefined means 0. */
  run(args: Args, con: Console): Promise<number | void> | number | void;
}

export interface PositionalSpec {
  name: string;
  help: string;
  optional?: boolean;
  /** Takes every remaining argument (at least one unless optional). */
  variadic?: boolean;
  /** What a shell completes here. */
  complete?: Completion;
}

/** size: bytes with k/M/G/T (size.ts); integer: a count or chunk number; number: decimal; choice: one of `choices`. */
export type OptionType = 'boolean' | 'string' | 'size' | 'integer' | 'number' | 'choice';

export type Completion = 'file' | 'dir' | 'snapshot' | 'none';

export interface OptionSpec {
  type: OptionType;
  help: string;
  /** Placeholder in help ("F", "SNAP"); defaults to the option's type. */
  value?: string;
  /** One-letter alias: -s for --snapshot. */
  short?: string;
  required?: boolean;
  choices?: readonly string[];
  /** May be given more than once (values collect in order). */
  multiple?: boolean;
  complete?: Completion;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_NOT_A_STORE = 3;
export const EXIT_DAMAGED = 4;
export const EXIT_INTERRUPTED = 130;
/** As a native tool killed by SIGPIPE: the reader of stdout went away (`snapscope tree | head`). */
export const EXIT_BROKEN_PIPE = 141;

/** Every command's exit codes, in help and man pages. */
export const EXIT_CODES: Record<number, string> = {
  [EXIT_OK]: 'success',
  [EXIT_FAILURE]: 'failure (I/O error, no such file, device in use or read-only, no space, ...)',
  // Refusals the command line lifts are usage errors, here as in the API's error code.
  [EXIT_USAGE]: 'usage error (unknown command or option, bad value, a target refused without --force or that is an input)',
  [EXIT_NOT_A_STORE]: 'not a snapshot exception store (no known magic, too short)',
  [EXIT_INTERRUPTED]: 'interrupted (SIGINT); a store being written stays consistent',
  [EXIT_BROKEN_PIPE]: 'the reader of the output went away (as if killed by SIGPIPE); nothing printed',
};

/** The one mapping from an error's code to the exit code. */
export function exitCodeOf(errorCode: string): number {
  if (errorCode === 'usage') return EXIT_USAGE;
  if (errorCode === 'not-a-store') return EXIT_NOT_A_STORE;
  if (errorCode === 'cancelled') return EXIT_INTERRUPTED;
  return EXIT_FAILURE;
}
