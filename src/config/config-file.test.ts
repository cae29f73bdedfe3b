import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema } from "../core/config-schema.js";
import { ConfigDiagnosticsError, configPath, loadConfig, loadConfigText, type Diagnostic } from "./config-file.js";

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

describe("the access block", () => {
  const withAccess = (access: string, sessions: string) => `${access}services:
  - name: web
    remote: https://web.example.com
domains:
  - domain: example.com
    default_service: web
sessions:
${sessions}`;
  const block = "access:\n  team_domain: myteam\n  audience: 4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2\n";

  it("loads team domain, audience and per-session access", () => {
    const c = loadConfigText("l.yaml", withAccess(block, "  - name: shared\n    type: preview\n    access: public\n  - name: team-only\n    type: preview\n"), {});
    expect(c.access).toEqual({ team_domain: "myteam", audience: "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2" });
    expect(c.sessions.map((s) => s.access)).toEqual(["public", undefined]);
  });

  it("reports access: team without the block at the session's line, and bad block values at theirs", () => {
    const d = diagnostics(withAccess("", "  - name: a\n    type: preview\n    access: team\n"));
    expect(d).toEqual([expect.objectContaining({ line: 10, path: "sessions[0].access", message: expect.stringContaining("needs the top-level access block") })]);
    const bad = diagnostics(withAccess("access:\n  team_domain: not a domain\n  audience: x y\n  extra: 1\n", "  - name: a\n    type: preview\n"));
    const byPath = Object.fromEntries(bad.map((x) => [x.path, x]));
    expect(byPath["access.extra"]).toMatchObject({ line: 4, message: 'unknown key "extra"' });
    const semantic = diagnostics(withAccess("access:\n  team_domain: not a domain\n  audience: x y\n", "  - name: a\n    type: preview\n"));
    expect(semantic.map((x) => [x.path, x.line])).toEqual([
      ["access.team_domain", 2],
      ["access.audience", 3],
    ]);
    const mode = diagnostics(withAccess(block, "  - name: a\n    type: preview\n    access: everyone\n"));
    expect(mode[0]).toMatchObject({ path: "sessions[0].access", message: 'must be one of "team", "public"' });
  });
});

describe("config files on disk", () => {
  it("merges linkup.local.yaml on top: services and sessions by name", () => {
    const dir = mkdtempSync(join(tmpdir(), "linkup-cfg-"));
    writeFileSync(join(dir, "linkup.yaml"), mentimeterStyle + "sessions:\n  - name: team\n    routes: {frontend: remote}\n");
    writeFileSync(
      join(dir, "linkup.local.yaml"),
      "services:\n  - name: frontend\n    local: http://127.0.0.1:5173\nsessions:\n  - name: team\n    routes: {frontend: local}\n  - name: mine\n    type: isolated\n",
    );
    const loaded = loadConfig({ file: join(dir, "linkup.yaml"), env: {} });
    expect(loaded.files).toHaveLength(2);
    const fe = loaded.config.services.find((s) => s.name === "frontend")!;
    expect(fe.local).toBe("http://127.0.0.1:5173");
    expect(fe.remote).toBe("https://frontend.example.com");
    expect(loaded.config.sessions.map((s) => [s.name, s.routes])).toEqual([
      ["team", { frontend: "local" }],
      ["mine", {}],
    ]);
  });

  it("points at the override file for problems it introduced", () => {
    const dir = mkdtempSync(join(tmpdir(), "linkup-cfg-"));
    writeFileSync(join(dir, "linkup.yaml"), mentimeterStyle);
    writeFileSync(join(dir, "linkup.local.yaml"), "services:\n  - name: backend\n    local: nope\n");
    try {
      loadConfig({ file: join(dir, "linkup.yaml"), env: {} });
      expect.unreachable();
    } catch (e) {
      const d = (e as ConfigDiagnosticsError).diagnostics;
      expect(d[0]).toMatchObject({ file: join(dir, "linkup.local.yaml"), line: 3, path: "services[1].local" });
    }
  });

  it("takes the file from -f, then --config, then LINKUP_CONFIG, then ./linkup.yaml", () => {
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
