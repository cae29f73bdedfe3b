// `linkup config view [-f FILE...] [--show-origin] [--ignore-env] [-o yaml|json]`: the effective
// config after every file is merged and `${VAR}` interpolated; env-derived values marked, secrets
// masked.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const configViewCommand = defineCommand({
  name: "config view",
  description: "print the effective config (files merged, ${VAR} interpolated, secrets masked)",
  options: {
    ...CONFIG_OPTIONS,
    "show-origin": { type: "boolean", description: "say which file and line each value came from" },
    "ignore-env": { type: "boolean", description: "do not read the environment: show ${VAR} as written (as validate --ignore-env)" },
    output: { type: "string", alias: "o", valueName: "format", description: "output format", choices: ["yaml", "json"], default: "yaml" },
  },
  async handler(args, cx) {
    const { io } = cx;
    const { loadConfig } = await import("../../config/config-file.js");
    const { configView, renderViewYaml, viewJson } = await import("../../config/config-view.js");
    const loaded = loadConfig(configSource(args, cx), { interpolation: args.ignoreEnv ? "symbolic" : "resolve" });
    const view = configView(loaded);
    const render = { showOrigin: args.showOrigin, cwd: io.cwd };
    if (args.output === "json") io.out(JSON.stringify(viewJson(view, render), null, 2));
    else io.out(renderViewYaml(view, render).replace(/\n$/, ""));
    return EXIT.OK;
  },
});
