// `linkup completion [--shell bash|zsh|fish]`: a completion script generated from the command
// definitions themselves, so it never lags behind the CLI.
import { defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const completionCommand = defineCommand({
  name: "completion",
  description: "print a shell completion script (default shell: from $SHELL)",
  options: { shell: { type: "string", description: "shell to generate for", choices: ["bash", "zsh", "fish"] } },
  async handler(args, { io }) {
    const { ConfigError } = await import("../../core/errors.js");
    const { commands } = await import("./index.js");
    const { completionScript } = await import("../output/completion-script.js");
    const shell = args.shell ?? io.env.SHELL?.split("/").pop();
    if (shell !== "bash" && shell !== "zsh" && shell !== "fish")
      throw new ConfigError("unknown-shell", shell ? `no completion for shell "${shell}"` : "cannot tell your shell from $SHELL", {
        hint: "pass --shell bash, zsh or fish",
      });
    io.out(completionScript(shell, commands));
    return EXIT.OK;
  },
});
