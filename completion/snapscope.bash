# bash completion for snapscope; generated from the command descriptors (snapscope completion bash)
_snapscope_snapshots() {
  local i w cow=
  for ((i = _snapscope_first; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case " --kind --chunk-size --size -o --options -O --sort --separator --units --reportformat --host --name --slot -s --snapshot --origin --chunk --fill --data-file --offset --out --script --interval --port --backup --format --dump --data-from --count --warn --hook " in *" ${COMP_WORDS[i-1]} "*) [[ $i -gt _snapscope_first ]] && continue ;; esac
    [[ $w == -* ]] && continue
    cow=$w; break
  done
  [[ -n $cow ]] && COMPREPLY=($(compgen -W "$(snapscope ls --noheadings -o name -- "$cow" 2>/dev/null)" -- "$cur"))
}
_snapscope() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]} opts=
  _snapscope_first=2
  if ((COMP_CWORD == 1)); then COMPREPLY=($(compgen -W 'format info ls status snapshot tree write read replay merge demo serve check repair dump restore backup-restore stats watch help completion' -- "$cur")); return; fi
  if ((COMP_CWORD == 2)); then
    case $cmd in
    'snapshot') COMPREPLY=($(compgen -W 'list create delete rename' -- "$cur")); return ;;
    esac
  fi
  case $cmd in 'snapshot') cmd="$cmd ${COMP_WORDS[2]}"; _snapscope_first=3 ;; esac
  case "$cmd $prev" in
    'format --kind') COMPREPLY=($(compgen -W 'shared persistent' -- "$cur")); return ;;
    'format --chunk-size') COMPREPLY=(); return ;;
    'format --size') COMPREPLY=(); return ;;
    'ls -o'|'ls --options'|'status -o'|'status --options') COMPREPLY=(); return ;;
    'ls -O'|'ls --sort'|'status -O'|'status --sort') COMPREPLY=(); return ;;
    'ls --separator'|'status --separator') COMPREPLY=(); return ;;
    'ls --units'|'status --units') COMPREPLY=($(compgen -W 'h b s k m g t' -- "$cur")); return ;;
    'ls --reportformat'|'status --reportformat') COMPREPLY=($(compgen -W 'basic json' -- "$cur")); return ;;
    'ls --host'|'status --host') COMPREPLY=(); return ;;
    'snapshot create --name') COMPREPLY=(); return ;;
    'snapshot create --slot') COMPREPLY=(); return ;;
    'snapshot delete -s'|'snapshot delete --snapshot') _snapscope_snapshots; return ;;
    'snapshot rename -s'|'snapshot rename --snapshot') _snapscope_snapshots; return ;;
    'snapshot rename --name') COMPREPLY=(); return ;;
    'write --origin') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'write -s'|'write --snapshot') _snapscope_snapshots; return ;;
    'write --chunk') COMPREPLY=(); return ;;
    'write --fill') COMPREPLY=(); return ;;
    'write --data-file') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'write --offset') COMPREPLY=(); return ;;
    'read --origin') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'read -s'|'read --snapshot') _snapscope_snapshots; return ;;
    'read --chunk') COMPREPLY=(); return ;;
    'read --out') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'replay --origin') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'replay --script') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'merge --origin') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'merge -s'|'merge --snapshot') _snapscope_snapshots; return ;;
    'merge --interval') COMPREPLY=(); return ;;
    'serve --origin') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'serve --port') COMPREPLY=(); return ;;
    'serve --host') COMPREPLY=(); return ;;
    'check --interval') COMPREPLY=(); return ;;
    'repair --out') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'repair --backup') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'dump --format') COMPREPLY=($(compgen -W 'json xml' -- "$cur")); return ;;
    'dump --out') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'restore --dump') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'restore --backup') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'restore --data-from') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'restore --interval') COMPREPLY=(); return ;;
    'backup-restore --backup') COMPREPLY=($(compgen -f -- "$cur")); return ;;
    'stats --interval') COMPREPLY=(); return ;;
    'watch --interval') COMPREPLY=(); return ;;
    'watch --count') COMPREPLY=(); return ;;
    'watch --warn') COMPREPLY=(); return ;;
    'watch --host') COMPREPLY=(); return ;;
    'watch --hook') COMPREPLY=(); return ;;
  esac
  case $cmd in
    'format') opts='--kind --chunk-size --size -f --force -n --dry-run --json -h --help' ;;
    'info') opts='--json -h --help' ;;
    'ls'|'status') opts='-o --options -O --sort --noheadings --separator --units --nosuffix --reportformat --live --host --json -h --help' ;;
    'snapshot list') opts='--json -h --help' ;;
    'snapshot create') opts='--name --slot --json -h --help' ;;
    'snapshot delete') opts='-s --snapshot -n --dry-run --json -h --help' ;;
    'snapshot rename') opts='-s --snapshot --name --json -h --help' ;;
    'tree') opts='--json -h --help' ;;
    'write') opts='--origin -s --snapshot --chunk --fill --data-file --offset --json -h --help' ;;
    'read') opts='--origin -s --snapshot --chunk --out -f --force --forensic --json -h --help' ;;
    'replay') opts='--origin --script --json -h --help' ;;
    'merge') opts='--origin -s --snapshot -n --dry-run --interval -q --quiet --json -h --help' ;;
    'demo') opts='-f --force --json -h --help' ;;
    'serve') opts='--origin --port --open --write --host --new-token --json -h --help' ;;
    'check') opts='--strict -q --quiet --interval --json -h --help' ;;
    'repair') opts='--out --in-place --backup -f --force -n --dry-run --json -h --help' ;;
    'dump') opts='--format --out -f --force --json -h --help' ;;
    'restore') opts='--dump --backup --data-from --metadata-only -f --force -n --dry-run --interval -q --quiet --json -h --help' ;;
    'backup-restore') opts='--backup -n --dry-run -f --force --json -h --help' ;;
    'stats') opts='--interval -q --quiet --json -h --help' ;;
    'watch') opts='--interval --count --warn --host --hook --json -h --help' ;;
    'help') opts='--json -h --help' ;;
    'completion') opts='--json -h --help' ;;
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); return; fi
  case $cmd in
    'format') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'info') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'ls'|'status') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'snapshot list') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'snapshot create') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'snapshot delete') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'snapshot rename') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'tree') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'write') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'read') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'replay') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'merge') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'demo') COMPREPLY=($(compgen -d -- "$cur")) ;;
    'serve') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'check') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'repair') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'dump') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'restore') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'backup-restore') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'stats') COMPREPLY=($(compgen -f -- "$cur")) ;;
    'watch') COMPREPLY=() ;;
    'help') COMPREPLY=() ;;
    'completion') COMPREPLY=() ;;
  esac
}
complete -o filenames -F _snapscope snapscope
