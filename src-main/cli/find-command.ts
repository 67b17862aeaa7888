import { usage } from './args.ts';
import type { CommandSpec } from './command.ts';
import { didYouMean } from './suggest.ts';

/** The command whose name (or alias) is the longest prefix of argv's leading words. */
export function findCommand(commands: readonly CommandSpec[], argv: readonly string[]): { spec: CommandSpec; rest: string[] } {
  let best: { spec: CommandSpec; words: number } | undefined;
  for (const spec of commands) {
    for (const name of [spec.name, ...(spec.aliases ?? [])]) {
      const words = name.split(' ');
      if (words.every((w, i) => argv[i] === w) && words.length > (best?.words ?? 0)) best = { spec, words: words.length };
    }
  }
  if (best) return { spec: best.spec, rest: argv.slice(best.words) };
  const group = subcommands(commands, argv[0]!);
  if (group.length) {
    const names = group.map((c) => c.name);
    if (argv[1] === undefined || argv[1].startsWith('-')) throw new GroupWithoutSubcommand(argv[0]!, group);
    throw usage(`unknown subcommand '${argv[0]} ${argv[1]}'${didYouMean(`${argv[0]} ${argv[1]}`, names)}`);
  }
  const names = [...new Set(commands.flatMap((c) => [c.name.split(' ')[0]!, ...(c.aliases ?? [])]))];
  throw usage(`unknown command '${argv[0]}'${didYouMean(argv[0]!, names)}`);
}

export function subcommands(commands: readonly CommandSpec[], group: string): CommandSpec[] {
  return commands.filter((c) => c.name.startsWith(`${group} `));
}

/** `snapscope snapshot` alone: a usage error that shows the group's subcommands. */
export class GroupWithoutSubcommand extends Error {
  constructor(
    readonly group: string,
    readonly commands: CommandSpec[],
  ) {
    super(`'${group}' needs a subcommand: ${commands.map((c) => c.name).join(', ')}`);
  }
}
