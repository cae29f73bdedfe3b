// `linkup config view [-f FILE...] [--show-origin] [-o yaml|json]`: the effective config after every
// file is merged and `${VAR}` interpolated; env-derived values marked, secrets masked.
import { CONFIG_OPTIONS, configSource, type CommandDef } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const configViewCommand: CommandDef = {
  name: "config view",
  description: "print the effective config (files merged, ${VAR} interpolated, secrets masked)",
  options: [
    ...CONFIG_OPTIONS,
    { flags: "--show-origin", description: "say which file and line each value came from" },
    { flags: "--no-interpolate", description: "keep ${VAR} as written instead of reading the environment" },
    { flags: "-o, --output <format>", description: "output format", choices: ["yaml", "json"], default: "yaml" },
  ],
  async run(_args, opts, io) {
    const { loadConfig } = await import("../../config/config-file.js");
    const { configView, renderViewYaml, viewJson } = await import("../../config/config-view.js");
    const loaded = loadConfig(configSource(opts, io), { interpolation: opts.interpolate === false ? "symbolic" : "resolve" });
    const view = configView(loaded);
    const render = { showOrigin: Boolean(opts.showOrigin), cwd: io.cwd };
    if (opts.output === "json") io.out(JSON.stringify(viewJson(view, render), null, 2));
    else io.out(renderViewYaml(view, render).replace(/\n$/, ""));
    return EXIT.OK;
  },
};
