// Shell completion scripts (bash, zsh, fish) rendered from the command definitions: top-level
// commands, subcommands of groups ("sessions list"), and each command's long flags.
import type { AnyCommand } from "../command.js";

interface Tree {
  top: string[];
  subs: Map<string, string[]>;
  flags: Map<string, string[]>;
}

function tree(defs: readonly AnyCommand[]): Tree {
  const t: Tree = { top: [], subs: new Map(), flags: new Map() };
  for (const d of defs) {
    const words = d.name.split(" ");
    if (!t.top.includes(words[0]!)) t.top.push(words[0]!);
    if (words.length > 1) t.subs.set(words[0]!, [...(t.subs.get(words[0]!) ?? []), ...[words[1]!, ...(d.aliases ?? [])]]);
    const flags = Object.keys(d.options ?? {}).map((name) => `--${name}`);
    t.flags.set(d.name, [...flags, "--help"]);
  }
  return t;
}

export function completionScript(shell: "bash" | "zsh" | "fish", defs: readonly AnyCommand[]): string {
  const t = tree(defs);
  if (shell === "fish") {
    const lines = ["# linkup completion for fish: linkup completion --shell fish > ~/.config/fish/completions/linkup.fish", "complete -c linkup -f"];
    for (const c of t.top) lines.push(`complete -c linkup -n "__fish_use_subcommand" -a ${c}`);
    for (const [g, subs] of t.subs) for (const s of subs) lines.push(`complete -c linkup -n "__fish_seen_subcommand_from ${g}" -a ${s}`);
    for (const [name, flags] of t.flags) {
      const last = name.split(" ").pop()!;
      for (const f of flags) lines.push(`complete -c linkup -n "__fish_seen_subcommand_from ${last}" -l ${f.slice(2)}`);
    }
    return lines.join("\n");
  }
  const cases = [...t.flags]
    .map(([name, flags]) => `    "${name}") opts="${flags.join(" ")}" ;;`)
    .join("\n");
  const groups = [...t.subs].map(([g, subs]) => `    ${g}) subs="${subs.join(" ")}" ;;`).join("\n");
  const body = `_linkup() {
  local cur cmd opts subs
  cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${t.top.join(" ")} --help --version" -- "$cur") )
    return
  fi
  cmd="\${COMP_WORDS[1]}"
  subs=""
  case "$cmd" in
${groups}
  esac
  if [ -n "$subs" ] && [ "$COMP_CWORD" -eq 2 ]; then
    COMPREPLY=( $(compgen -W "$subs" -- "$cur") )
    return
  fi
  [ -n "$subs" ] && cmd="$cmd \${COMP_WORDS[2]}"
  [ "$cmd" = "sessions ls" ] && cmd="sessions list"
  opts=""
  case "$cmd" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}`;
  if (shell === "bash") return `# linkup completion for bash: source <(linkup completion --shell bash)\n${body}\ncomplete -F _linkup linkup`;
  return `# linkup completion for zsh: source <(linkup completion --shell zsh)\nautoload -U +X bashcompinit && bashcompinit\n${body}\ncomplete -F _linkup linkup`;
}
