// `linkup validate [--ignore-env]`: load and check the config, print every problem, exit 0 (valid) or 1.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const validateCommand = defineCommand({
  name: "validate",
  description: "check linkup.yaml (and linkup.local.yaml) against the schema and the semantic rules",
  options: {
    ...CONFIG_OPTIONS,
    "ignore-env": {
      type: "boolean",
      description: "do not read the environment: leave ${VAR} as written and skip checking the values that hold one (CI without secrets)",
    },
    json: { type: "boolean", description: "print diagnostics as JSON" },
  },
  async handler(args, cx) {
    const { io } = cx;
    const { loadConfig, configPath, ConfigDiagnosticsError, formatDiagnostic } = await import("../../config/config-file.js");
    const src = configSource(args, cx);
    try {
      let loaded: { file: string; config: import("../../core/config.js").LinkupConfig };
      if (args.ignoreEnv && configPath(src) !== "-") {
        const { diskVersion, loadVersion } = await import("../../config/config-versions.js");
        const { ConfigError } = await import("../../core/errors.js");
        const file = configPath(src);
        const config = loadVersion(diskVersion(file));
        if (!config) throw new ConfigError("config-not-found", `config file ${file} not found`);
        loaded = { file, config };
      } else loaded = loadConfig(src);
      if (args.json) io.out(JSON.stringify({ valid: true, file: loaded.file, diagnostics: [] }, null, 2));
      else
        io.out(
          `${io.color.green("valid")}: ${loaded.file} (${loaded.config.services.length} services, ${loaded.config.domains.length} domains, ${loaded.config.sessions.length} sessions)`,
        );
      return EXIT.OK;
    } catch (e) {
      if (!(e instanceof ConfigDiagnosticsError)) throw e;
      if (args.json) io.out(JSON.stringify({ valid: false, diagnostics: e.diagnostics }, null, 2));
      else for (const d of e.diagnostics) io.err(`${io.color.red("error")} ${formatDiagnostic(d)}`);
      return EXIT.INVALID;
    }
  },
});
