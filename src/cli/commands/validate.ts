// `linkup validate [--ignore-env]`: load and check the config, print every problem, exit 0 (valid) or 1.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { formatOf, OUTPUT_OPTIONS, printResult } from "../output/format.js";

export const validateCommand = defineCommand({
  name: "validate",
  description: "check linkup.yaml (and linkup.local.yaml) against the schema and the semantic rules",
  examples: [
    { description: "Check ./linkup.yaml and its linkup.local.yaml", command: "linkup validate" },
    { description: "Check a config piped in, as a pre-commit hook might", command: "cat team.yaml | linkup validate -f -" },
    { description: "Check it in CI, where the secrets its ${VAR}s name are not set", command: "linkup validate --ignore-env" },
    { description: "List what the config declares (service/, domain/, session/ names)", command: "linkup validate -o name" },
  ],
  options: {
    ...CONFIG_OPTIONS,
    "ignore-env": {
      type: "boolean",
      description: "do not read the environment: leave ${VAR} as written and skip checking the values that hold one (CI without secrets)",
    },
    ...OUTPUT_OPTIONS,
  },
  async handler(args, cx) {
    const { io } = cx;
    const format = formatOf(args);
    const { loadConfig, configPath, ConfigDiagnosticsError, formatDiagnostic } = await import("../../config/config-file.js");
    const src = configSource(args, cx);
    let loaded: { file: string; config: import("../../core/config.js").LinkupConfig };
    try {
      if (args.ignoreEnv && configPath(src) !== "-") {
        const { diskVersion, loadVersion } = await import("../../config/config-versions.js");
        const { ConfigError } = await import("../../core/errors.js");
        const file = configPath(src);
        const config = loadVersion(diskVersion(file));
        if (!config) throw new ConfigError("config-not-found", `config file ${file} not found`);
        loaded = { file, config };
      } else loaded = loadConfig(src);
    } catch (e) {
      if (!(e instanceof ConfigDiagnosticsError)) throw e;
      if (format === "json" || format === "yaml") await printResult(io, format, { data: { valid: false, diagnostics: e.diagnostics }, text: () => {} });
      else for (const d of e.diagnostics) io.err(`${io.color.red("error")} ${formatDiagnostic(d)}`);
      return EXIT.INVALID;
    }
    const { file, config } = loaded;
    await printResult(io, format, {
      data: { valid: true, file, diagnostics: [] },
      names: () => [
        ...config.services.map((s) => `service/${s.name}`),
        ...config.domains.map((d) => `domain/${d.domain}`),
        ...config.sessions.filter((s) => s.name !== undefined).map((s) => `session/${s.name}`),
      ],
      async text(wide) {
        io.out(`${io.color.green("valid")}: ${file} (${config.services.length} services, ${config.domains.length} domains, ${config.sessions.length} sessions)`);
        if (!wide) return;
        const { renderTable } = await import("../output/table.js");
        io.out("");
        io.out(renderTable(["SERVICE", "LOCAL", "REMOTE", "HEALTH"], config.services.map((s) => [s.name, s.local, s.remote, s.health?.path])));
        io.out("");
        io.out(renderTable(["DOMAIN", "DEFAULT SERVICE", "ROUTES"], config.domains.map((d) => [d.domain, d.default_service, d.routes.map((r) => `${r.path}=${r.service}`)])));
        if (config.sessions.length === 0) return;
        io.out("");
        io.out(
          renderTable(
            ["SESSION", "TYPE", "ROUTES"],
            config.sessions.map((s) => [s.name ?? "(personal)", s.type, Object.entries(s.routes).map(([k, v]) => `${k}=${v}`)]),
          ),
        );
      },
    });
    return EXIT.OK;
  },
});
