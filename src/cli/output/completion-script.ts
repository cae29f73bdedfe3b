// Shell completion scripts (bash, zsh, fish). Each is a thin shim: it hands the words typed so far
// to `linkup __complete -- <words...>` (cli/complete.ts) and shows what comes back, so the
// scripts never lag behind the commands and can offer live values (services, sessions). The last
// line of the answer says whether to complete file names (`:files`) or the values above it.

const BASH = `# linkup completion for bash: source <(linkup completion --shell bash)
# (or save it as ~/.local/share/bash-completion/completions/linkup)
_linkup_complete() {
  local cur out directive
  cur="\${COMP_WORDS[COMP_CWORD]}"
  out=$("\${COMP_WORDS[0]}" __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
  directive="\${out##*$'\\n'}"
  if [[ "$out" == *$'\\n'* ]]; then out="\${out%$'\\n'*}"; else out=""; fi
  [[ "$cur" == "=" ]] && cur=""
  if [[ "$directive" == ":files" ]]; then
    compopt -o filenames 2>/dev/null
    local IFS=$'\\n'
    COMPREPLY=( $(compgen -f -- "$cur") )
  else
    local IFS=$'\\n'
    COMPREPLY=( $(compgen -W "$out" -- "$cur") )
  fi
}
complete -F _linkup_complete linkup`;

const ZSH = `#compdef linkup
# linkup completion for zsh: source <(linkup completion --shell zsh)
# (or save it as _linkup in a directory on $fpath)
_linkup() {
  local -a lines values
  lines=("\${(@f)$(\${words[1]} __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  [[ \${#lines} -eq 0 ]] && return 1
  if [[ "\${lines[-1]}" == ":files" ]]; then
    _files
    return
  fi
  values=("\${(@)lines[1,-2]}")
  (( \${#values} )) && compadd -Q -- "\${values[@]}"
}
if (( $+functions[compdef] )); then compdef _linkup linkup; else autoload -U compinit && compinit && compdef _linkup linkup; fi`;

const FISH = `# linkup completion for fish: linkup completion --shell fish > ~/.config/fish/completions/linkup.fish
function __linkup_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l program $tokens[1]
    set -e tokens[1]
    set -l out ($program __complete -- $tokens $current 2>/dev/null)
    test (count $out) -eq 0; and return
    if test "$out[-1]" = ":files"
        __fish_complete_path $current
        return
    end
    set -e out[-1]
    printf '%s\\n' $out
end
complete -c linkup -f -a '(__linkup_complete)'`;

export function completionScript(shell: "bash" | "zsh" | "fish"): string {
  return shell === "bash" ? BASH : shell === "zsh" ? ZSH : FISH;
}
