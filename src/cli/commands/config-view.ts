// `linkup config view [-f FILE...] [--show-origin] [--ignore-env] [-o yaml|json|name|wide|text]`:
// the effective config after every file is merged and `${VAR}` interpolated; env-derived values
// marked, secrets masked. YAML is the default (as `kubectl config view`); `-o wide` is the YAML
// with each value's origin, `-o name` what the config declares.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { formatOf, outputOptions } from "../output/format.js";

export const configViewCommand = defineCommand({
  name: "config view",
  description: "print the effective config (files merged, ${VAR} interpolated, secrets masked)",
  examples: [
    { description: "The config every command here uses, merged and masked", command: "linkup config view" },
    { description: "Where each value came from (which file and line)", command: "linkup config view --show-origin" },
    { description: "Check a team config and a local override together, as JSON", command: "linkup config view -f team.yaml -f linkup.local.yaml -o json" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    "show-origin": { type: "boolean", description: "say which file and line each value came from (also -o wide)" },
    "ignore-env": { type: "boolean", description: "do not read the environment: show ${VAR} as written (as validate --ignore-env)" },
    ...outputOptions(["yaml", "json", "name", "wide", "text"]),
  },
  async handler(args, cx) {
    const { io } = cx;
    const format = formatOf(args, "yaml");
    const { loadConfig } = await import("../../config/config-file.js");
    const { configView, renderViewYaml, viewJson } = await import("../../config/config-view.js");
    const loaded = loadConfig(configSource(args, cx), { interpolation: args.ignoreEnv ? "symbolic" : "resolve" });
    const view = configView(loaded);
    const render = { showOrigin: args.showOrigin || format === "wide", cwd: io.cwd };
    if (format === "json") io.out(JSON.stringify(viewJson(view, render), null, 2));
    else if (format === "name") {
      const c = loaded.config;
      const names = [
        ...c.services.map((s) => `service/${s.name}`),
        ...c.domains.map((d) => `domain/${d.domain}`),
        ...c.sessions.filter((s) => s.name !== undefined).map((s) => `session/${s.name}`),
      ];
      if (names.length) io.out(names.join("\n"));
    } else io.out(renderViewYaml(view, render).replace(/\n$/, ""));
    return EXIT.OK;
  },
});
