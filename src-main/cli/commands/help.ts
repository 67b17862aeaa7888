import { catalog } from '../catalog.ts';
import type { Command } from '../command.ts';
import { Console } from '../console.ts';
import { findCommand, subcommands } from '../find-command.ts';
import { commandHelp, groupHelp, mainHelp } from '../help.ts';

export const help: Command = {
  name: 'help',
  summary: "show a command's help: options, examples, exit status",
  positionals: [{ name: 'command', help: "a command ('merge', 'snapshot create'); none for the list", optional: true, variadic: true, complete: 'none' }],
  options: {},
  examples: [
    ['help merge', "merge's options, examples and exit codes (as snapscope merge --help)"],
    ['help snapshot', 'the snapshot subcommands'],
  ],
  async run(args) {
    const { commands } = await catalog();
    const words = args.args('command');
    const group = words.length === 1 ? subcommands(commands, words[0]!) : [];
    // Help is text, with --json too (as --help).
    new Console(false).print(!words.length ? mainHelp(commands) : group.length ? groupHelp(words[0]!, group) : commandHelp(findCommand(commands, words).spec));
  },
};
