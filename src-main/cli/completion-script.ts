import { optionSpecs } from './args.ts';
import type { CommandSpec, Completion, OptionSpec } from './command.ts';

/**
 * Shell completion generated from the command descriptors (as help and man pages): commands,
 * subcommands, options, choices, files, and snapshot names read from the store being named
 * (`snapscope ls -o name`).
 */

interface Flag {
  words: string[];
  spec: OptionSpec;
}

function flags(c: CommandSpec): Flag[] {
  return Object.entries(optionSpecs(c)).map(([n, o]) => ({ words: [...(o.short ? [`-${o.short}`] : []), `--${n}`], spec: o }));
}

function groups(commands: readonly CommandSpec[]): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const c of commands) {
    const [head, sub] = c.name.split(' ');
    if (sub) g.set(head!, [...(g.get(head!) ?? []), sub]);
  }
  return g;
}

function topWords(commands: readonly CommandSpec[]): string[] {
  return [...new Set(commands.flatMap((c) => [c.name.split(' ')[0]!, ...(c.aliases ?? [])]))];
}

/** Every flag that takes a value, so the COW can be told from option values. */
function valuedFlags(commands: readonly CommandSpec[]): string[] {
  return [...new Set(commands.flatMap((c) => flags(c).filter((f) => f.spec.type !== 'boolean').flatMap((f) => f.words)))];
}

function positionalCompletion(c: CommandSpec): Completion {
  return c.positionals[0]?.complete ?? 'file';
}

function valueCompletion(o: OptionSpec): Completion | readonly string[] {
  return o.choices ?? o.complete ?? 'none';
}

export function bashCompletion(commands: readonly CommandSpec[]): string {
  const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const names = (c: CommandSpec): string[] => [c.name, ...(c.aliases ?? [])];
  const optionCases = commands.map((c) => `    ${names(c).map(sh).join('|')}) opts=${sh(flags(c).flatMap((f) => f.words).join(' '))} ;;`);
  const valueCases = commands.flatMap((c) =>
    flags(c)
      .filter((f) => f.spec.type !== 'boolean')
      .map((f) => {
        const what = valueCompletion(f.spec);
        const action = Array.isArray(what) ? `COMPREPLY=($(compgen -W ${sh(what.join(' '))} -- "$cur"))` : bashAction(what as Completion);
        return `    ${names(c).flatMap((n) => f.words.map((w) => sh(`${n} ${w}`))).join('|')}) ${action}; return ;;`;
      }),
  );
  const positionalCases = commands.map((c) => `    ${names(c).map(sh).join('|')}) ${bashAction(positionalCompletion(c))} ;;`);
  const groupCases = [...groups(commands)].map(([g, subs]) => `    ${sh(g)}) COMPREPLY=($(compgen -W ${sh(subs.join(' '))} -- "$cur")); return ;;`);
  return `# bash completion for snapscope; generated from the command descriptors (snapscope completion bash)
_snapscope_snapshots() {
  local i w cow=
  for ((i = _snapscope_first; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    case " ${valuedFlags(commands).join(' ')} " in *" \${COMP_WORDS[i-1]} "*) [[ $i -gt _snapscope_first ]] && continue ;; esac
    [[ $w == -* ]] && continue
    cow=$w; break
  done
  [[ -n $cow ]] && COMPREPLY=($(compgen -W "$(snapscope ls --noheadings -o name -- "$cow" 2>/dev/null)" -- "$cur"))
}
_snapscope() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd=\${COMP_WORDS[1]} opts=
  _snapscope_first=2
  if ((COMP_CWORD == 1)); then COMPREPLY=($(compgen -W ${sh(topWords(commands).join(' '))} -- "$cur")); return; fi
  if ((COMP_CWORD == 2)); then
    case $cmd in
${groupCases.join('\n')}
    esac
  fi
  case $cmd in ${[...groups(commands).keys()].map(sh).join('|') || "''"}) cmd="$cmd \${COMP_WORDS[2]}"; _snapscope_first=3 ;; esac
  case "$cmd $prev" in
${valueCases.join('\n')}
  esac
  case $cmd in
${optionCases.join('\n')}
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); return; fi
  case $cmd in
${positionalCases.join('\n')}
  esac
}
complete -o filenames -F _snapscope snapscope
`;
}

function bashAction(c: Completion): string {
  if (c === 'file') return 'COMPREPLY=($(compgen -f -- "$cur"))';
  if (c === 'dir') return 'COMPREPLY=($(compgen -d -- "$cur"))';
  if (c === 'snapshot') return '_snapscope_snapshots';
  return 'COMPREPLY=()';
}

export function zshCompletion(commands: readonly CommandSpec[]): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const esc = (s: string): string => s.replace(/[[\]:\\]/g, '\\$&');
  const top = topWords(commands).map((w) => {
    const c = commands.find((x) => x.name === w || x.aliases?.includes(w));
    return q(`${w}:${esc(c?.summary ?? `${w} subcommands`)}`);
  });
  const spec = (c: CommandSpec): string[] => {
    const opts = flags(c).map((f) => {
      const excl = f.words.length > 1 ? `(${f.words.join(' ')})` : '';
      const help = `[${esc(f.spec.help)}]`;
      const value = f.spec.type === 'boolean' ? '' : `:${esc(f.spec.value ?? f.spec.type)}:${zshAction(valueCompletion(f.spec))}`;
      const multi = f.spec.multiple ? '*' : '';
      return f.words.length > 1 ? `${q(multi + excl)}{${f.words.join(',')}}${f.spec.type === 'boolean' ? '' : "'='"}${q(help + value)}` : q(`${multi}${f.words[0]}${f.spec.type === 'boolean' ? '' : '='}${help}${value}`);
    });
    const pos = c.positionals.map((p, i) => q(`${p.variadic ? '*' : i + 1}:${esc(p.name)}:${zshAction(p.complete ?? 'file')}`));
    return [...opts, ...pos];
  };
  const cases = commands.map((c) => `    (${[c.name, ...(c.aliases ?? [])].map((n) => n.replace(' ', '\\ ')).join('|')}) _arguments -s ${spec(c).join(' ')} ;;`);
  const groupCases = [...groups(commands)].map(([g, subs]) => `    (${g}) if ((CURRENT == 2)); then _values subcommand ${subs.map(q).join(' ')}; return; fi; cmd="${g} \${words[2]}"; shift words; ((CURRENT--)) ;;`);
  return `#compdef snapscope
# zsh completion for snapscope; generated from the command descriptors (snapscope completion zsh)
_snapscope_snapshots() {
  local i cow
  for ((i = 2; i < CURRENT; i++)); do
    [[ \${words[i]} == -* ]] && continue
    [[ " ${valuedFlags(commands).join(' ')} " == *" \${words[i-1]} "* && i -gt 2 ]] && continue
    cow=\${words[i]}; break
  done
  [[ -n $cow ]] && compadd -- \${(f)"$(snapscope ls --noheadings -o name -- \${(Q)cow} 2>/dev/null | sed 's/^ *//')"}
}
_snapscope() {
  if ((CURRENT == 2)); then local -a cmds=(${top.join(' ')}); _describe command cmds; return; fi
  local cmd=\${words[2]}
  shift words; ((CURRENT--))
  case $cmd in
${groupCases.join('\n')}
  esac
  case $cmd in
${cases.join('\n')}
  esac
}
_snapscope "$@"
`;
}

function zshAction(c: Completion | readonly string[]): string {
  if (Array.isArray(c)) return `(${c.join(' ')})`;
  if (c === 'file') return '_files';
  if (c === 'dir') return '_files -/';
  if (c === 'snapshot') return '_snapscope_snapshots';
  return ' ';
}
