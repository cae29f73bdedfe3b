import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema } from "../core/config-schema.js";
import { ConfigDiagnosticsError, configFiles, configPath, effectiveConfig, findUpward, loadConfig, loadConfigText, type Diagnostic } from "./config-file.js";

const mentimeterStyle = `linkup:
  worker_url: https://linkup-worker.example.workers.dev
  worker_token: worker_token
  cache_routes:
    - .*/_next/static/.*
services:
  - name: frontend
    remote: https://frontend.example.com
    local: http://localhost:3000
    rewrites:
      - source: /foo/(.*)
        target: /bar/$1
    directory: ../frontend
    health:
      path: /health
      statuses: [200]
  - name: backend
    remote: https://backend.example.com/
    local: http://localhost:8000/
    rewrites: null
    health: null
domains:
  - domain: example.com
    default_service: frontend
    routes:
      - path: /api/v1/.*
        service: backend
  - domain: api.example.com
    default_service: backend
    routes: null
`;

function diagnostics(text: string, env: Record<string, string> = {}): Diagnostic[] {
  try {
    loadConfigText("linkup.yaml", text, env);
  } catch (e) {
    if (e instanceof ConfigDiagnosticsError) return e.diagnostics;
    throw e;
  }
  throw new Error("expected the config to be invalid");
}

describe("loading linkup.yaml", () => {
  it("loads a config written for Mentimeter's Linkup unchanged", () => {
    const c = loadConfigText("linkup.yaml", mentimeterStyle, {});
    expect(c.services.map((s) => s.name)).toEqual(["frontend", "backend"]);
    expect(c.services[1]!.rewrites).toEqual([]);
    expect(c.domains[1]!.routes).toEqual([]);
    expect(c.sessions).toEqual([]);
    expect(c.linkup.cache_routes).toEqual([".*/_next/static/.*"]);
  });

  it("defaults session type to tunneled and routes to empty", () => {
    const c = loadConfigText("l.yaml", mentimeterStyle + "sessions:\n  - name: pr-1\n", {});
    expect(c.sessions).toEqual([{ name: "pr-1", type: "tunneled", routes: {} }]);
  });

  it("interpolates ${VAR} and ${VAR:-default}", () => {
    const text = mentimeterStyle.replace("worker_token: worker_token", "worker_token: ${TOKEN}").replace(
      "https://linkup-worker.example.workers.dev",
      "${WORKER:-https://default.example.dev}",
    );
    const c = loadConfigText("l.yaml", text, { TOKEN: "s3cret" });
    expect(c.linkup.worker_token).toBe("s3cret");
    expect(c.linkup.worker_url).toBe("https://default.example.dev");
  });

  it("names an unset variable without a default, with its line", () => {
    const d = diagnostics(mentimeterStyle.replace("worker_token: worker_token", "worker_token: ${LINKUP_TOKEN}"));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ line: 3, column: 17, path: "linkup.worker_token" });
    expect(d[0]!.message).toContain("LINKUP_TOKEN is not set");
  });

  it("reports bad YAML with its line", () => {
    const d = diagnostics("services:\n  - name: a\n   bad: [\n");
    expect(d[0]!.message).toMatch(/^YAML syntax/);
    expect(d[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it("reports an unknown service in a route at the route's line", () => {
    const d = diagnostics(mentimeterStyle.replace("service: backend\n  - domain: api", "service: backnd\n  - domain: api"));
    expect(d).toEqual([
      expect.objectContaining({ line: 27, path: "domains[0].routes[0].service", message: 'unknown service "backnd"' }),
    ]);
  });

  it("reports a regex that does not compile", () => {
    const d = diagnostics(mentimeterStyle.replace("source: /foo/(.*)", "source: /foo/(.*"));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ line: 11, path: "services[0].rewrites[0].source" });
    expect(d[0]!.message).toContain("invalid regular expression");
  });

  it("refuses a route regex RE2 cannot run (lookahead, backreference) at its file:line:col", () => {
    const d = diagnostics(
      mentimeterStyle.replace("path: /api/v1/.*", "path: ^/api(?=/v1)").replace("source: /foo/(.*)", "source: /(foo)/\\1"),
    );
    const byPath = Object.fromEntries(d.map((x) => [x.path, x]));
    expect(byPath["domains[0].routes[0].path"]).toMatchObject({ file: "linkup.yaml", line: 26, column: 15 });
    expect(byPath["domains[0].routes[0].path"]!.message).toMatch(/lookahead .* is not supported.*RE2.*at character 6/);
    expect(byPath["services[0].rewrites[0].source"]).toMatchObject({ line: 11, column: 17 });
    expect(byPath["services[0].rewrites[0].source"]!.message).toMatch(/backreference `\\1` is not supported/);
  });

  it("reads services[].timeouts into the session spec, and refuses values out of range at their line", async () => {
    const withTimeouts = mentimeterStyle.replace("    directory: ../frontend\n", "    directory: ../frontend\n    timeouts:\n      headers: 600\n      connection_wait: 2.5\n");
    const c = loadConfigText("linkup.yaml", withTimeouts, {});
    expect(c.services[0]!.timeouts).toEqual({ headers: 600, connection_wait: 2.5 });
    const { specFromConfig } = await import("../core/session.js");
    const spec = specFromConfig(c, { type: "tunneled", routes: {} });
    expect(spec.services.find((s) => s.name === "frontend")!.timeouts).toEqual({ headers: 600, connection_wait: 2.5 });
    expect(spec.services.find((s) => s.name === "backend")!.timeouts).toBeUndefined();
    const d = diagnostics(withTimeouts.replace("headers: 600", "headers: 0").replace("connection_wait: 2.5", "connection_wait: soon"));
    const byPath = Object.fromEntries(d.map((x) => [x.path, x]));
    expect(byPath["services[0].timeouts.headers"]).toMatchObject({ line: 15, message: "must be > 0" });
    expect(byPath["services[0].timeouts.connection_wait"]).toMatchObject({ line: 16, message: "must be number" });
  });

  it("refuses a YAML alias bomb with file:line:col instead of expanding it", () => {
    const bomb = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
services: [{ name: web, local: "http://127.0.0.1:3000" }]
domains: [{ domain: example.com, default_service: web }]
`;
    const d = diagnostics(bomb);
    expect(d).toEqual([expect.objectContaining({ file: "linkup.yaml", line: 2, column: 8 })]);
    expect(d[0]!.message).toMatch(/alias bomb/);
  });

  it("reports a URL that is not http(s)", () => {
    const d = diagnostics(mentimeterStyle.replace("local: http://localhost:3000", "local: localhost:3000"));
    expect(d[0]).toMatchObject({ line: 9, column: 12, path: "services[0].local" });
    expect(d[0]!.message).toContain("http:// or https://");
  });

  it("reports a duplicate name at the second occurrence", () => {
    const d = diagnostics(mentimeterStyle.replace("name: backend", "name: frontend").replace(/default_service: backend/g, "default_service: frontend").replace("service: backend", "service: frontend"));
    expect(d).toEqual([expect.objectContaining({ line: 17, path: "services[1].name", message: 'duplicate service name "frontend"' })]);
  });

  it("reports session names that are not DNS labels and unknown keys, all at once", () => {
    const d = diagnostics(mentimeterStyle + "sessions:\n  - name: My_Session\n    routes: {nope: local}\n  - name: ok\n    typo: 1\n");
    const byPath = Object.fromEntries(d.map((x) => [x.path, x]));
    expect(byPath["sessions[1].typo"]).toMatchObject({ line: 35, message: 'unknown key "typo"' });
    expect(byPath["sessions[0].name"]).toMatchObject({ line: 32 });
    expect(byPath["sessions[0].routes.nope"]).toMatchObject({ line: 33, message: 'unknown service "nope"' });
  });

  it("rejects routing a preview session to local", () => {
    const d = diagnostics(mentimeterStyle + "sessions:\n  - name: pr-2\n    type: preview\n    routes: {frontend: local}\n");
    expect(d[0]!.message).toContain("preview sessions");
  });

  it("reads a session's ttl in canonical form and reports a bad one at its line and column", () => {
    const c = loadConfigText("l.yaml", mentimeterStyle + "sessions:\n  - name: pr-1\n    type: preview\n    ttl: 72h\n  - name: dev\n    ttl: none\n", {});
    expect(c.sessions.map((s) => s.ttl)).toEqual(["3d", "none"]);
    const d = diagnostics(mentimeterStyle + "sessions:\n  - name: pr-1\n    type: preview\n    ttl: 3 days\n  - name: pr-2\n    ttl: 10s\n");
    expect(d).toEqual([
      expect.objectContaining({ line: 34, column: 10, path: "sessions[0].ttl", message: expect.stringContaining("such as 30m, 72h, 7d") }),
      expect.objectContaining({ line: 36, column: 10, path: "sessions[1].ttl" }),
    ]);
  });

  it("leaves ${VAR} as written in symbolic mode, without reading the environment or checking those values", () => {
    const text = mentimeterStyle
      .replace("worker_token: worker_token", "worker_token: ${LINKUP_TOKEN}")
      .replace("local: http://localhost:3000", "local: ${FRONTEND_URL}")
      .replace("remote: https://backend.example.com/", "remote: https://backend.example.com/?key=${KEY:-dflt}");
    const c = loadConfigText("l.yaml", text, { LINKUP_TOKEN: "s3cret", KEY: "k" }, undefined, { symbolic: true });
    expect(c.linkup.worker_token).toBe("${LINKUP_TOKEN}");
    expect(c.services[0]!.local).toBe("${FRONTEND_URL}");
    expect(c.services[1]!.remote).toBe("https://backend.example.com/?key=${KEY:-dflt}");
    // Problems elsewhere are still reported.
    expect(() => loadConfigText("l.yaml", text.replace("local: http://localhost:8000/", "local: ftp://x"), {}, undefined, { symbolic: true })).toThrow(
      /services\[1\]\.local/,
    );
  });
});

function projectDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "linkup-cfg-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function loadDiagnostics(src: Parameters<typeof loadConfig>[0]): Diagnostic[] {
  try {
    loadConfig(src);
  } catch (e) {
    if (e instanceof ConfigDiagnosticsError) return e.diagnostics;
    throw e;
  }
  throw new Error("expected the config to be invalid");
}

const team = mentimeterStyle + `sessions:
  - type: tunneled
    routes: {frontend: local}
  - name: pr-1
    type: preview
  - name: team
    routes: {frontend: local}
`;

describe("linkup.local.yaml: one person's layer", () => {
  it("overrides a service's local side for personal sessions only; the team config keeps the team's", () => {
    const dir = projectDir({
      "linkup.yaml": team,
      "linkup.local.yaml": "services:\n  - name: frontend\n    local: http://127.0.0.1:5173\nsessions:\n  - routes: {backend: local}\n  - name: mine\n    type: isolated\n",
    });
    const loaded = loadConfig({ file: join(dir, "linkup.yaml"), env: {} });
    expect(loaded.files).toEqual([join(dir, "linkup.yaml"), join(dir, "linkup.local.yaml")]);
    expect(loaded.localFile).toBe(join(dir, "linkup.local.yaml"));
    expect(loaded.config.services.find((s) => s.name === "frontend")!.local).toBe("http://127.0.0.1:5173");
    expect(loaded.config.services.find((s) => s.name === "frontend")!.remote).toBe("https://frontend.example.com");
    expect(loaded.team.services.find((s) => s.name === "frontend")!.local).toBe("http://localhost:3000");
    // The personal session takes the local routes on top of the team's; the new session is personal too.
    expect(loaded.config.sessions.map((s) => [s.name ?? "(personal)", s.routes, s.personal === true])).toEqual([
      ["(personal)", { frontend: "local", backend: "local" }, true],
      ["pr-1", {}, false],
      ["team", { frontend: "local" }, false],
      ["mine", {}, true],
    ]);
    expect(loaded.origin(["sessions", 0, "routes", "backend"])).toMatchObject({ file: join(dir, "linkup.local.yaml"), line: 5 });
    expect(loaded.origin(["sessions", 0, "routes", "frontend"])).toMatchObject({ file: join(dir, "linkup.yaml"), line: 33 });
    expect(loaded.fromLocal(["services", 0, "local"])).toBe(true);
    expect(loaded.fromLocal(["services", 0, "remote"])).toBe(false);
  });

  it("refuses what the team shares, each at its line in the local file", () => {
    const dir = projectDir({
      "linkup.yaml": team,
      "linkup.local.yaml": `linkup:
  config_id: mine
services:
  - name: frontend
    remote: https://elsewhere.example.com
  - name: ghost
    local: http://127.0.0.1:1
domains:
  - domain: other.com
    default_service: frontend
sessions:
  - name: pr-1
    type: tunneled
`,
    });
    const d = loadDiagnostics({ file: join(dir, "linkup.yaml"), env: {} });
    const local = join(dir, "linkup.local.yaml");
    const at = (line: number) => d.find((x) => x.file === local && x.line === line);
    expect(at(2)?.message).toBe("linkup.config_id is shared by the team: change it in linkup.yaml, not in linkup.local.yaml");
    expect(at(5)?.message).toContain("services[frontend].remote is shared by the team");
    expect(at(6)?.message).toContain('unknown service "ghost"');
    expect(at(8)?.message).toContain("domains is shared by the team");
    expect(at(12)?.message).toContain('session "pr-1" is shared (declared in linkup.yaml)');
    expect(d).toHaveLength(5);
  });

  it("reports a typo in the local file as an unknown key there, not as a shared key", () => {
    const dir = projectDir({ "linkup.yaml": team, "linkup.local.yaml": "services:\n  - name: frontend\n    lcoal: http://127.0.0.1:1\n" });
    expect(loadDiagnostics({ file: join(dir, "linkup.yaml"), env: {} })).toEqual([
      expect.objectContaining({ file: join(dir, "linkup.local.yaml"), line: 3, message: 'unknown key "lcoal"' }),
    ]);
  });

  it("checks the personal session merged with the override, not the team's half alone", () => {
    // The team routes `backend` local without a local URL; this person's override supplies one.
    const teamNoLocal = team.replace("    local: http://localhost:8000/\n", "").replace("routes: {frontend: local}", "routes: {backend: local}");
    const dir = projectDir({ "linkup.yaml": teamNoLocal, "linkup.local.yaml": "services:\n  - name: backend\n    local: http://127.0.0.1:8001\n" });
    const loaded = loadConfig({ file: join(dir, "linkup.yaml"), env: {} });
    expect(loaded.config.sessions[0]!.routes).toEqual({ backend: "local" });
    // Without the override the same team file is invalid, at the personal session's route.
    const bare = projectDir({ "linkup.yaml": teamNoLocal });
    expect(loadDiagnostics({ file: join(bare, "linkup.yaml"), env: {} })).toEqual([
      expect.objectContaining({ path: "sessions[0].routes.backend", message: 'service "backend" is routed local but has no local URL' }),
    ]);
  });

  it("still refuses two unnamed sessions in one file", () => {
    const d = diagnostics(mentimeterStyle + "sessions:\n  - type: tunneled\n  - type: isolated\n");
    expect(d).toEqual([expect.objectContaining({ path: "sessions[1]", message: "only one session may leave out its name (your personal session)" })]);
  });

  it("points at the override file for problems it introduced", () => {
    const dir = projectDir({ "linkup.yaml": mentimeterStyle, "linkup.local.yaml": "services:\n  - name: backend\n    local: nope\n" });
    const d = loadDiagnostics({ file: join(dir, "linkup.yaml"), env: {} });
    expect(d).toEqual([expect.objectContaining({ file: join(dir, "linkup.local.yaml"), line: 3, path: "services[1].local" })]);
  });

  it("an empty override, or empty lists in it, change nothing", () => {
    const dir = projectDir({ "linkup.yaml": team, "linkup.local.yaml": "sessions:\nservices:\n" });
    const loaded = loadConfig({ file: join(dir, "linkup.yaml"), env: {} });
    expect(loaded.config.sessions).toHaveLength(3);
  });
});

describe("several files", () => {
  it("-f a -f b merges in order: linkup by key, services and sessions by name, routes by service", () => {
    const dir = projectDir({
      "linkup.yaml": team,
      "ci.yaml": `linkup:
  worker_url: https://ci-worker.example.dev
services:
  - name: backend
    remote: https://backend-ci.example.com
  - name: extra
    remote: https://extra.example.com
sessions:
  - name: team
    routes: {backend: remote}
  - name: ci-1
    type: preview
`,
    });
    const loaded = loadConfig({ file: [join(dir, "linkup.yaml"), join(dir, "ci.yaml")], env: {} });
    expect(loaded.teamFiles).toEqual([join(dir, "linkup.yaml"), join(dir, "ci.yaml")]);
    const c = loaded.config;
    expect(c.linkup.worker_url).toBe("https://ci-worker.example.dev");
    expect(c.linkup.worker_token).toBe("worker_token");
    expect(c.services.map((s) => [s.name, s.remote])).toEqual([
      ["frontend", "https://frontend.example.com"],
      ["backend", "https://backend-ci.example.com"],
      ["extra", "https://extra.example.com"],
    ]);
    expect(c.services[1]!.local).toBe("http://localhost:8000/");
    expect(c.sessions.find((s) => s.name === "team")!.routes).toEqual({ frontend: "local", backend: "remote" });
    expect(c.sessions.map((s) => s.name ?? "-")).toEqual(["-", "pr-1", "team", "ci-1"]);
    // A later file's layer is shared too: the team config holds it.
    expect(loaded.team.sessions.map((s) => s.name ?? "-")).toEqual(["-", "pr-1", "team", "ci-1"]);
    expect(loaded.origin(["services", 1, "remote"])).toMatchObject({ file: join(dir, "ci.yaml"), line: 5 });
    expect(loaded.origin(["services", 1, "local"])).toMatchObject({ file: join(dir, "linkup.yaml"), line: 19 });
    // The other order: the first file's values lose.
    const reversed = loadConfig({ file: [join(dir, "ci.yaml"), join(dir, "linkup.yaml")], env: {} });
    expect(reversed.config.services.find((s) => s.name === "backend")!.remote).toBe("https://backend.example.com/");
  });

  it("reports a problem in the second file at its own line", () => {
    const dir = projectDir({ "linkup.yaml": team, "b.yaml": "domains:\n  - domain: example.com\n    default_service: nope\n" });
    const d = loadDiagnostics({ file: [join(dir, "linkup.yaml"), join(dir, "b.yaml")], env: {} });
    expect(d).toEqual([expect.objectContaining({ file: join(dir, "b.yaml"), line: 3, path: "domains[0].default_service" })]);
  });
});

describe("where the config comes from", () => {
  it("-f DIR reads DIR/linkup.yaml (and its linkup.local.yaml)", () => {
    const dir = projectDir({ "app/linkup.yaml": team, "app/linkup.local.yaml": "sessions:\n  - name: mine\n" });
    const files = configFiles({ file: "app", cwd: dir, env: {} });
    expect(files).toEqual({ team: [join(dir, "app/linkup.yaml")], local: join(dir, "app/linkup.local.yaml"), baseDir: join(dir, "app") });
    expect(loadConfig({ file: "app", cwd: dir, env: {} }).config.sessions.at(-1)).toMatchObject({ name: "mine", personal: true });
  });

  it("a directory without linkup.yaml is an error naming it", () => {
    const dir = projectDir({ "empty/.keep": "" });
    expect(() => configFiles({ file: join(dir, "empty"), env: {} })).toThrow(`${join(dir, "empty")} is a directory, and it has no linkup.yaml`);
  });

  it("without -f looks in this folder, then each folder above", () => {
    const dir = projectDir({ "linkup.yaml": team, "a/b/c/.keep": "" });
    expect(configFiles({ cwd: join(dir, "a/b/c"), env: {} }).team).toEqual([join(dir, "linkup.yaml")]);
    expect(loadConfig({ cwd: join(dir, "a/b"), env: {} }).baseDir).toBe(dir);
    const none = projectDir({ "x/.keep": "" });
    // The temp folder's parents hold no linkup.yaml (the test would be meaningless if they did).
    if (findUpward(none) === undefined) expect(() => configFiles({ cwd: join(none, "x"), env: {} })).toThrow(/no linkup\.yaml in .* or any folder above it/);
  });

  it("takes -f, then --config, then LINKUP_CONFIG (a list), then the search", () => {
    const dir = projectDir({ "a.yaml": "", "b.yaml": "", "c.yaml": "", "d.yaml": "" });
    const team = (src: Parameters<typeof configFiles>[0]) => configFiles({ cwd: dir, ...src }).team;
    expect(team({ file: ["a.yaml", "b.yaml"], config: "c.yaml", envFile: "d.yaml" })).toEqual([join(dir, "a.yaml"), join(dir, "b.yaml")]);
    expect(team({ config: ["c.yaml"], envFile: "d.yaml" })).toEqual([join(dir, "c.yaml")]);
    expect(team({ envFile: `c.yaml${delimiter}${join(dir, "d.yaml")}` })).toEqual([join(dir, "c.yaml"), join(dir, "d.yaml")]);
    // The environment reaches here only through settings (LINKUP_CONFIG -> envFile).
    expect(() => team({ env: { LINKUP_CONFIG: "d.yaml" } })).toThrow(/no linkup\.yaml in/);
    expect(team({ file: "-", env: {} })).toEqual(["-"]);
    expect(() => team({ file: ["-", "-"], env: {} })).toThrow(/only once/);
    expect(() => team({ file: "missing.yaml", env: {} })).toThrow(`config file ${join(dir, "missing.yaml")} not found`);
  });

  it("configPath names the first file without reading it (the offline diff), as configFiles would", () => {
    expect(configPath({ file: "a.yaml", config: "b.yaml", envFile: "c.yaml", cwd: "/x" })).toBe("/x/a.yaml");
    expect(configPath({ config: "b.yaml", envFile: "c.yaml", cwd: "/x" })).toBe("/x/b.yaml");
    expect(configPath({ envFile: "/abs/c.yaml", cwd: "/x" })).toBe("/abs/c.yaml");
    // The environment reaches here only through settings (LINKUP_CONFIG -> envFile).
    expect(configPath({ env: { LINKUP_CONFIG: "/abs/c.yaml" }, cwd: "/x" })).toBe("/x/linkup.yaml");
    expect(configPath({ env: {}, cwd: "/x" })).toBe("/x/linkup.yaml");
    expect(configPath({ file: "-", env: {} })).toBe("-");
  });

  it("reads stdin for -f -", () => {
    const loaded = loadConfig({ file: "-", stdin: mentimeterStyle, env: {} });
    expect(loaded.config.domains).toHaveLength(2);
    expect(loaded.files).toEqual(["<stdin>"]);
  });
});

describe("effectiveConfig", () => {
  it("remembers which variables a value came from", () => {
    const text = mentimeterStyle.replace("worker_token: worker_token", "worker_token: ${TOKEN}").replace("http://localhost:3000", "http://localhost:${PORT:-3000}");
    const eff = effectiveConfig({ team: [{ file: "linkup.yaml", text }] }, { TOKEN: "s3cret" });
    expect(eff.raw).toMatchObject({ linkup: { worker_token: "s3cret" } });
    expect(eff.envRefs(["linkup", "worker_token"])).toEqual([{ name: "TOKEN", source: "env" }]);
    expect(eff.envRefs(["services", 0, "local"])).toEqual([{ name: "PORT", source: "default" }]);
    expect(eff.envRefs(["services", 0, "remote"])).toEqual([]);
  });

  it("symbolic interpolation keeps ${VAR} as written and does not need the variables", () => {
    const text = mentimeterStyle.replace("worker_token: worker_token", "worker_token: ${TOKEN}").replace("https://frontend.example.com", "${FRONTEND_URL}");
    const eff = effectiveConfig({ team: [{ file: "linkup.yaml", text }] }, {}, { interpolation: "symbolic" });
    expect(eff.config.linkup.worker_token).toBe("${TOKEN}");
    expect(eff.config.services[0]!.remote).toBe("${FRONTEND_URL}");
    // Resolving needs them.
    expect(() => effectiveConfig({ team: [{ file: "linkup.yaml", text }] }, {})).toThrow(ConfigDiagnosticsError);
  });
});

describe("linkup.schema.json", () => {
  it("is generated from src/core/config-schema.ts and committed in sync", () => {
    const committed = JSON.parse(readFileSync(new URL("../../linkup.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configSchema)));
    expect(committed.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(committed.$id).toBeTruthy();
  });
});
