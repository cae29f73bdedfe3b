// `linkup validate [--ignore-env]`: load and check the config, name every file merged, print every
// problem, exit 0 (valid) or 1.
import { CONFIG_OPTIONS, configSource, defineCommand } from "../command.js";
import { EXIT } from "../exit-codes.js";
import { formatOf, OUTPUT_OPTIONS, printResult } from "../output/format.js";

export const validateCommand = defineCommand({
  name: "validate",
  description: "check linkup.yaml (every -f file, and linkup.local.yaml) against the schema and the semantic rules",
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
    const { loadConfig, ConfigDiagnosticsError, formatDiagnostic } = await import("../../config/config-file.js");
    let loaded;
    try {
      // --ignore-env: `${VAR}` stays as written and the values holding one are not checked.
      loaded = loadConfig(configSource(args, cx), { interpolation: args.ignoreEnv ? "symbolic" : "resolve" });
    } catch (e) {
      if (!(e instanceof ConfigDiagnosticsError)) throw e;
      if (format === "json" || format === "yaml") await printResult(io, format, { data: { valid: false, diagnostics: e.diagnostics }, text: () => {} });
      else for (const d of e.diagnostics) io.err(`${io.color.red("error")} ${formatDiagnostic(d)}`);
      return EXIT.INVALID;
    }
    const done = loaded;
    const c = done.config;
    await printResult(io, format, {
      data: { valid: true, file: done.file, files: done.files, local_file: done.localFile ?? null, diagnostics: [] },
      names: () => [
        ...c.services.map((s) => `service/${s.name}`),
        ...c.domains.map((d) => `domain/${d.domain}`),
        ...c.sessions.filter((s) => s.name !== undefined).map((s) => `session/${s.name}`),
      ],
      async text(wide) {
        const personal = c.sessions.filter((s) => s.personal).length;
        const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
        io.out(
          `${io.color.green("valid")}: ${count(c.services.length, "service")}, ${count(c.domains.length, "domain")}, ` +
            `${count(c.sessions.length, "session")} (${personal} personal), merged from:`,
        );
        for (const f of done.files)
          io.out(`  ${f}${f === done.localFile ? io.color.dim("  (local override: your personal sessions and service local sides)") : ""}`);
        if (!wide) return;
        const { renderTable } = await import("../output/table.js");
        io.out("");
        io.out(renderTable(["SERVICE", "LOCAL", "REMOTE", "HEALTH"], c.services.map((s) => [s.name, s.local, s.remote, s.health?.path])));
        io.out("");
        io.out(renderTable(["DOMAIN", "DEFAULT SERVICE", "ROUTES"], c.domains.map((d) => [d.domain, d.default_service, d.routes.map((r) => `${r.path}=${r.service}`)])));
        if (c.sessions.length === 0) return;
        io.out("");
        io.out(
          renderTable(
            ["SESSION", "TYPE", "ROUTES"],
            c.sessions.map((s) => [s.name ?? "(personal)", s.type, Object.entries(s.routes).map(([k, v]) => `${k}=${v}`)]),
          ),
        );
      },
    });
    return EXIT.OK;
  },
});
