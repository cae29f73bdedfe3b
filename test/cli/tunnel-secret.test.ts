// The tunnel's signing secret through the real CLI: `apply` stores what the worker hands out with
// the tunnel (0600, never printed), so the worker's signed requests pass the local server's
// tunnel listener and reach the local app; a machine that lost the secret is refused until the
// next `apply`, which asks the worker for it again.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackends, type Backends } from "./support/backends.js";
import { runCli } from "./support/cli.js";
import { makeProject, type Project } from "./support/project.js";

describe("the tunnel secret through the CLI", () => {
  let b: Backends;
  let p: Project;
  let app: http.Server;
  const cli = (args: string[]) => runCli(args, { cwd: p.dir, env: { ...b.env, TEST_WORKER_TOKEN: b.workerToken } });
  const viaWorker = (): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const u = new URL(b.workerUrl);
      http
        .get({ host: u.hostname, port: u.port, path: "/hello", headers: { host: "team-a.example.com" }, agent: false }, (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (c: string) => (text += c)).on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        })
        .on("error", reject);
    });
  const secretFile = () => join(b.home, "tunnel-secrets", "team-a");

  beforeAll(async () => {
    b = await startBackends();
    app = http.createServer((req, res) => res.end(`local app ${req.url}`));
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    p = makeProject();
    p.write(`linkup:
  worker_url: ${b.workerUrl}
  worker_token: \${TEST_WORKER_TOKEN}
  config_id: secrets
services:
  - name: web
    local: http://127.0.0.1:${(app.address() as AddressInfo).port}
    remote: https://web.example.com
domains:
  - domain: example.com
    default_service: web
sessions:
  - name: team-a
    type: tunneled
    routes: { web: local }
`);
  });
  afterAll(async () => {
    await b?.close();
    p?.remove();
    if (app) await new Promise((r) => app.close(r));
  });

  it("apply stores the secret privately and the worker's requests reach the local app", async () => {
    const r = await cli(["apply", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(secretFile()).mode & 0o777).toBe(0o600);
    const secret = readFileSync(secretFile(), "utf8").trim();
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(await viaWorker()).toEqual({ status: 200, text: "local app /hello" });
  });

  it("without the secret the tunnel listener refuses; the next apply fetches it again", async () => {
    rmSync(secretFile());
    const refused = await viaWorker();
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain("team-a");
    const r = await cli(["apply"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("session/team-a unchanged");
    expect(existsSync(secretFile())).toBe(true);
    expect(await viaWorker()).toEqual({ status: 200, text: "local app /hello" });
  });
});
