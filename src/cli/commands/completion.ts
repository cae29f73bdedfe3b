// `linkup completion [--shell bash|zsh|fish]`: a completion script that asks `linkup __complete`
// on every Tab, so it completes commands, flags, option values, files after -f, service names
// and session names from the live state.
import { defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const completionCommand = defineCommand({
  name: "completion",
  description: "print a shell completion script (default shell: from $SHELL)",
  examples: [
    { description: "Complete in this bash session", command: "source <(linkup completion --shell bash)" },
    { description: "Complete in every zsh session", command: "echo 'source <(linkup completion --shell zsh)' >> ~/.zshrc" },
    { description: "Install for fish", command: "linkup completion --shell fish > ~/.config/fish/completions/linkup.fish" },
  ],
  options: { shell: { type: "string", description: "shell to generate for", choices: ["bash", "zsh", "fish"] } },
  async handler(args, { io }) {
    const { ConfigError } = await import("../../core/errors.js");
    const { completionScript } = await import("../output/completion-script.js");
    const shell = args.shell ?? io.env.SHELL?.split("/").pop();
    if (shell !== "bash" && shell !== "zsh" && shell !== "fish")
      throw new ConfigError("unknown-shell", shell ? `no completion for shell "${shell}"` : "cannot tell your shell from $SHELL", {
        hint: "pass --shell bash, zsh or fish",
      });
    io.out(completionScript(shell));
    return EXIT.OK;
  },
});
