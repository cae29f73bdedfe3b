// `linkup validate [--ignore-env]`: load and check the config, name every file merged, print every
// problem, exit 0 (valid) or 1.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";

export const validateCommand = defineCommand({
  name: "validate",
  description: "check linkup.yaml (every -f file, and linkup.local.yaml) against the schema and the semantic rules",
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
    const { loadConfig, ConfigDiagnosticsError, formatDiagnostic } = await import("../../config/config-file.js");
    try {
      // --ignore-env: `${VAR}` stays as written and the values holding one are not checked.
      const loaded = loadConfig(configSource(args, cx), { interpolation: args.ignoreEnv ? "symbolic" : "resolve" });
      const c = loaded.config;
      const personal = c.sessions.filter((s) => s.personal).length;
      if (args.json)
        io.out(JSON.stringify({ valid: true, file: loaded.file, files: loaded.files, local_file: loaded.localFile ?? null, diagnostics: [] }, null, 2));
      else {
        const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
        io.out(
          `${io.color.green("valid")}: ${count(c.services.length, "service")}, ${count(c.domains.length, "domain")}, ` +
            `${count(c.sessions.length, "session")} (${personal} personal), merged from:`,
        );
        for (const f of loaded.files)
          io.out(`  ${f}${f === loaded.localFile ? io.color.dim("  (local override: your personal sessions and service local sides)") : ""}`);
      }
      return EXIT.OK;
    } catch (e) {
      if (!(e instanceof ConfigDiagnosticsError)) throw e;
      if (args.json) io.out(JSON.stringify({ valid: false, diagnostics: e.diagnostics }, null, 2));
      else for (const d of e.diagnostics) io.err(`${io.color.red("error")} ${formatDiagnostic(d)}`);
      return EXIT.INVALID;
    }
  },
});
