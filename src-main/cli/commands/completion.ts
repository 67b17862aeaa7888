import { usage } from '../args.ts';
import { catalog } from '../catalog.ts';
import type { Command } from '../command.ts';
import { bashCompletion, zshCompletion } from '../completion-script.ts';

export const completion: Command = {
  name: 'completion',
  summary: 'print the bash or zsh completion script (commands, options, snapshot names from the store)',
  positionals: [{ name: 'shell', help: "'bash' or 'zsh'", complete: 'none' }],
  options: {},
  details: 'The .deb installs both; from a checkout, load one into the running shell as in the examples.',
  examples: [
    ['completion bash > ~/.local/share/bash-completion/completions/snapscope', 'bash: complete snapscope in every new shell'],
    ['completion zsh > "${fpath[1]}/_snapscope"', 'zsh: the same'],
  ],
  async run(args, con) {
    const shell = args.arg('shell');
    const { commands } = await catalog();
    if (shell === 'bash') con.print(bashCompletion(commands));
    else if (shell === 'zsh') con.print(zshCompletion(commands));
    else throw usage(`unknown shell '${shell}' (bash or zsh)`, completion);
  },
};
