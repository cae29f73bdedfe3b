// The imperative commands and every --json output, through the real CLI process.
import { createServer, type Server } from "node:http";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_VERSION } from "../../src/core/api.js";
import { startBackends, type Backends } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { configYaml, makeProject, type Project } from "./support/project.js";

describe("imperative commands and JSON outputs", () => {
  let b: Backends;
  let p: Project;
  let app: Server;
  let appUrl: string;
  const cli = (args: string[]) => runCli(args, { cwd: p.dir, env: { ...b.env, TEST_WORKER_TOKEN: b.workerToken } });
  const json = async (args: string[]) => {
    const r = await cli(args);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    b = await startBackends();
    // A local "web" app that is healthy on /health.
    app = createServer((req, res) => {
      res.writeHead(req.url === "/health" ? 200 : 404).end();
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}`;
    p = makeProject();
    mkdirSync(join(p.dir, "web"));
    writeFileSync(join(p.dir, "web", ".env.development"), "KEEP=1\n");
    writeFileSync(join(p.dir, "web", ".env.development.linkup"), "API_URL=https://api.example.com\n");
    p.write(
      configYaml(b, {
        configId: "cmds",
        services: `  - name: web
    local: ${appUrl}
    remote: https://web.example.com
    directory: web
    health:
      path: /health
      statuses: [200]
  - name: api
    local: http://127.0.0.1:9
    remote: https://api.example.com
`,
        sessions: "  - type: tunneled\n    routes: { web: local }\n",
      }),
    );
  });
  afterAll(async () => {
    await b?.close();
    await new Promise<void>((r) => (app ? app.close(() => r()) : r()));
    p?.remove();
  });

  it("start applies the personal session, injects env files, and keeps the name", async () => {
    const s = await json(["start", "--json"]);
    expect(s).toMatchObject({ type: "tunneled", result: "created" });
    expect(s.session).toMatch(/^[a-z]+-[a-z]+(-\d+)?$/);
    // A deployed worker (worker_url): the session's real URL.
    expect(s.urls).toEqual([`https://${s.session}.example.com/`]);
    expect(s.curl).toEqual([]);
    expect(s.env_files).toEqual([{ file: join(p.dir, "web", ".env.development"), action: "injected" }]);
    expect(readFileSync(join(p.dir, "web", ".env.development"), "utf8")).toMatch(/^KEEP=1\n# >>> linkup: begin.*\nAPI_URL=https:\/\/api.example.com\n# <<< linkup: end <<<\n$/);
    const again = await json(["start", "--json"]);
    expect(again).toMatchObject({ session: s.session, result: "unchanged", env_files: [] });
    expect((await b.localRecords()).map((r) => r.name)).toContain(s.session);
    expect((await b.workerRecords()).find((r) => r.name === s.session)?.tunnel_url).toBeTruthy();
  });

  it("status --json shows every running session, probes each service with its health settings, and Linkup's components", async () => {
    const s = await json(["status", "--json"]);
    expect(s.unavailable).toEqual([]);
    const mine = s.sessions.find((x: { personal: boolean }) => x.personal);
    expect(mine).toMatchObject({ type: "tunneled", placements: ["local", "worker"], managed_by: "cmds" });
    const web = mine.services.find((x: { name: string }) => x.name === "web");
    const api = mine.services.find((x: { name: string }) => x.name === "api");
    expect(web).toMatchObject({ location: "local", url: appUrl, status: "ok", http_status: 200 });
    expect(api).toMatchObject({ location: "remote", url: "https://api.example.com" });
    expect(s.components.map((c: { name: string }) => c.name)).toEqual(["local_server", "worker", "tunnel"]);
    expect(s.components[2].session).toBe(mine.name);
    expect(s.components[0]).toMatchObject({ status: "ok", http_status: 200 });
    expect(s.components[0].url).toMatch(/\/linkup\/check$/);
    expect(s.components[1]).toMatchObject({ status: "ok", http_status: 200 });
    // --session narrows to one; an unknown one is an error.
    expect((await json(["status", "--session", mine.name, "--json"])).sessions.map((x: { name: string }) => x.name)).toEqual([mine.name]);
    expect((await cli(["status", "--session", "nobody-here"])).code).toBe(2);
    const text = await cli(["status"]);
    expect(text.code).toBe(0);
    // Sessions, services and components in separate tables, each with a header row.
    const sections = text.stdout.trimEnd().split("\n\n");
    expect(sections.map((t) => t.split("\n")[0]!.split(/\s{2,}/))).toEqual([
      ["SESSION", "TYPE", "WHERE", "OWNER", "URLS"],
      ["SESSION", "SERVICE", "LOCATION", "STATUS", "URL"],
      ["COMPONENT", "STATUS", "URL"],
    ]);
    expect(sections[1]).toMatch(new RegExp(`^${mine.name}\\s+web\\s+local\\s+ok\\s+${appUrl}$`, "m"));
    expect(sections[2]).toMatch(new RegExp(`^tunnel/${mine.name}\\s+ok\\s+`, "m"));
  });

  it("route changes the live session and the next diff shows the drift", async () => {
    const r = await json(["route", "local", "api", "--json"]);
    expect(r.changed).toBe(true);
    expect(r.services.find((s: { name: string }) => s.name === "api")).toEqual({ name: "api", route: "local", url: "http://127.0.0.1:9" });
    const d = await cli(["diff", "-o", "json"]);
    expect(d.code).toBe(1);
    const dj = JSON.parse(d.stdout);
    expect(dj.sessions[0].changes).toEqual([{ path: "services[api].route", from: "local", to: "remote" }]);
    expect(dj.sessions[0].placements).toEqual(["local", "worker"]);
    const text = await cli(["route", "remote", "--all"]);
    expect(text.stdout).toMatch(/^session\/[a-z-]+ configured\nSERVICE\s+ROUTE\s+URL\n/);
    expect(text.stdout).toMatch(/^api\s+remote\s+https:\/\/api\.example\.com$/m);
    // web is local in the config, so --all remote is drift too; apply puts the config back.
    expect((await cli(["diff"])).code).toBe(1);
    expect((await cli(["apply"])).code).toBe(0);
    expect((await cli(["diff"])).code).toBe(0);
  });

  it("route refuses unknown services and bad targets with exit 2", async () => {
    expect((await cli(["route", "local", "nope"])).code).toBe(2);
    expect((await cli(["route", "sideways", "web"])).code).toBe(2);
    expect((await cli(["route", "local"])).code).toBe(2);
  });

  it("sessions create-preview, create-isolated, list --json and delete", async () => {
    const req = await json(["sessions", "create-preview", "pv-1", "api=https://api-pr.example.com", "--print-request"]);
    expect(req).toMatchObject({ name: "pv-1", method: "PUT", headers: { "if-none-match": "*" }, body: { managed_by: null, spec: { type: "preview" } } });
    expect(JSON.stringify(req)).not.toContain(b.workerToken);
    expect((await b.workerRecords()).some((r) => r.name === "pv-1")).toBe(false);

    expect(await json(["sessions", "create-preview", "pv-1", "api=https://api-pr.example.com", "--json"])).toMatchObject({ name: "pv-1", result: "created" });
    const iso = await json(["sessions", "create-isolated", "iso-1", "--json"]);
    expect(iso).toMatchObject({ name: "iso-1", type: "isolated", result: "created" });
    // Isolated sessions live on this machine only: the no-setup alias on the local proxy's port.
    expect(iso.urls).toEqual([expect.stringMatching(/^http:\/\/iso-1\.example\.com\.localhost:\d+\/$/)]);
    expect((await cli(["sessions", "create-isolated", "iso-1"])).code).toBe(2);
    const unnamed = await json(["sessions", "create-preview", "web=https://web-x.example.com", "--json"]);
    expect(unnamed.name).toMatch(/^preview-[0-9a-f]{10}$/);

    const list = await json(["sessions", "list", "--json"]);
    expect(list.unavailable).toEqual([]);
    const byName = Object.fromEntries(list.sessions.map((s: { name: string }) => [s.name, s]));
    expect(byName["pv-1"]).toMatchObject({ type: "preview", placements: ["worker"], managed_by: null, urls: ["https://pv-1.example.com/"], personal: false });
    expect(byName["iso-1"]).toMatchObject({ type: "isolated", placements: ["local"] });
    const personal = list.sessions.find((s: { personal: boolean }) => s.personal);
    expect(personal).toMatchObject({ type: "tunneled", placements: ["local", "worker"], managed_by: "cmds" });
    expect(personal.tunnel_url).toBeTruthy();
    // tunneled < isolated < preview, then by name.
    expect(list.sessions.map((s: { type: string }) => s.type)).toEqual([...list.sessions.map((s: { type: string }) => s.type)].sort((x: string, y: string) => ["tunneled", "isolated", "preview"].indexOf(x) - ["tunneled", "isolated", "preview"].indexOf(y)));
    expect((await cli(["sessions", "ls"])).stdout).toMatch(/SESSION.*TYPE/);

    expect(await json(["sessions", "delete", "pv-1", "--json"])).toEqual({ name: "pv-1", deleted: ["worker"] });
    expect(await json(["sessions", "delete", "iso-1", "--json"])).toEqual({ name: "iso-1", deleted: ["local"] });
    expect((await cli(["sessions", "delete", "iso-1"])).code).toBe(2);
    expect((await cli(["sessions", "create-preview", "pv-2", "nope=https://x.example.com"])).code).toBe(2);
  });

  it("health --json reports state, processes, versions and local DNS without secrets", async () => {
    const h = await json(["health", "--json"]);
    expect(h.cli.api_version).toBe("1.1.0");
    expect(h.state_dir.path).toBe(b.home);
    expect(h.state_dir.files).toContain("personal-session.json");
    // Versions come from an authenticated /check, so a running server reports its own (API version).
    expect(h.local_server).toMatchObject({ reachable: true, version: API_VERSION });
    expect(h.worker).toMatchObject({ url: b.workerUrl, embedded: false, reachable: true, version: API_VERSION });
    expect(h.local_dns).toMatchObject({ installed: false });
    expect(Array.isArray(h.processes)).toBe(true);
    expect(h.orphans).toEqual([]);
    expect(h.config).toEqual({ file: p.file, files: [p.file], identity: "cmds", owner: readFileSync(join(b.home, "owner-id"), "utf8").trim() });
    const raw = (await cli(["health", "--json"])).stdout;
    expect(raw).not.toContain(b.workerToken);
    expect(raw).not.toContain(readFileSync(join(b.home, "admin-token"), "utf8").trim());
  });

  it("stop removes the env blocks and keeps the sessions", async () => {
    const s = await json(["stop", "--json"]);
    expect(s.env_files).toEqual([{ file: join(p.dir, "web", ".env.development"), action: "removed" }]);
    expect(readFileSync(join(p.dir, "web", ".env.development"), "utf8")).toBe("KEEP=1\n");
    expect(existsSync(join(p.dir, "web", ".env.development.linkup"))).toBe(true);
    expect((await json(["stop", "--json"])).env_files).toEqual([]);
    expect((await b.localRecords()).length).toBeGreaterThan(0);
  });

  it("completion prints a script for each shell, each asking `linkup __complete`", async () => {
    // bash is exercised with real Tab presses in completion.test.ts; zsh and fish are not on this machine.
    const bash = await cli(["completion", "--shell", "bash"]);
    expect(bash.stdout).toContain("complete -F _linkup_complete linkup");
    expect(bash.stdout).toContain('__complete -- "${COMP_WORDS[@]:1:COMP_CWORD}"');
    const fish = (await cli(["completion", "--shell", "fish"])).stdout;
    expect(fish).toContain("complete -c linkup -f -a '(__linkup_complete)'");
    expect(fish).toContain("__complete -- $tokens $current");
    const zsh = (await cli(["completion", "--shell", "zsh"])).stdout;
    expect(zsh).toMatch(/^#compdef linkup$/m);
    expect(zsh).toContain('__complete -- "${(@)words[2,CURRENT]}"');
    // What the scripts read: candidates, then the directive.
    const values = await cli(["__complete", "--", "route", "local", ""]);
    expect(values.stdout.trim().split("\n")).toEqual(["web", "api", ":values"]);
    expect((await cli(["__complete", "--", "apply", "-f", ""])).stdout.trim()).toBe(":files");
    expect((await runCli(["completion"], { cwd: p.dir, env: { ...b.env, SHELL: "/bin/tcsh" } })).code).toBe(2);
  });
});
