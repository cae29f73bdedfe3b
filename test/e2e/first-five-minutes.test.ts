// The first five minutes on your own project, as a new user lives them: an empty folder with a
// two-service project (web, whose page calls /api/hello, and api; each with a "local" and a
// "remote" copy on loopback), `linkup init --service ...`, `linkup apply`, then the URL apply
// prints, opened as printed: with plain curl (no flags: curl resolves *.localhost itself) and in
// headless Chromium (no --host-resolver-rules). Each must reach the copy of each service the
// session names, and `linkup route` must change what the same URL shows.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../cli/support/backends.js";
import { runCli } from "../cli/support/cli.js";
import { launchChromiumContext } from "../support/chromium.js";

const PAGE = (copy: string) => `<!doctype html><title>web (${copy} copy)</title>
<h1 id="web">web (${copy} copy)</h1><p id="api">loading</p>
<script>fetch("/api/hello").then((r) => r.text()).then((t) => { document.getElementById("api").textContent = t; document.body.dataset.ready = "1"; });</script>`;

interface Copy {
  server: Server;
  url: string;
}

async function serve(service: "web" | "api", copy: "local" | "remote"): Promise<Copy> {
  const server = createServer((req, res) => {
    if (service === "web" && req.url === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(PAGE(copy));
    }
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    // What the app was told: its real domain, never the .localhost alias.
    res.end(`${service} (${copy} copy) ${req.url} host=${req.headers["x-forwarded-host"]}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

const HAS_CURL = ["/usr/bin/curl", "/bin/curl", "/usr/local/bin/curl"].some((p) => existsSync(p));

/**
 * curl exactly as a user types it: `curl <url>`. A machine without curl (a bare container) gets
 * the same request from Node, connecting to loopback for `*.localhost` names as curl does.
 */
function curl(url: string): Promise<string> {
  if (!HAS_CURL) return nodeGet(url);
  return new Promise((resolve, reject) =>
    execFile("curl", ["--silent", "--show-error", "--max-time", "20", url], (err, stdout, stderr) => (err ? reject(new Error(`curl ${url}: ${stderr || err.message}`)) : resolve(stdout))),
  );
}

async function nodeGet(url: string): Promise<string> {
  const { request } = await import("node:http");
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname.endsWith(".localhost") ? "127.0.0.1" : u.hostname, port: u.port, path: u.pathname + u.search, headers: { host: u.host }, signal: AbortSignal.timeout(20_000) },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(body));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("an empty folder to a working session: linkup init, linkup apply, the printed URL", () => {
  let dir: string;
  let env: Record<string, string>;
  let copies: Record<"web" | "api", Record<"local" | "remote", Copy>>;
  let context: BrowserContext | undefined;
  let profileDir: string | undefined;
  let url: string;
  let applyOutput: string;
  const linkup = (args: string[]) => runCli(args, { cwd: join(dir, "shop"), env });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "linkup-first-"));
    copies = {
      web: { local: await serve("web", "local"), remote: await serve("web", "remote") },
      api: { local: await serve("api", "local"), remote: await serve("api", "remote") },
    };
    env = {
      LINKUP_HOME: join(dir, "home"),
      LINKUP_WORKER_PORT: String(await freePort()),
      LINKUP_PROXY_PORT: String(await freePort()),
      LINKUP_ADMIN_PORT: String(await freePort()),
    };
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "shop"));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
    if (existsSync(join(dir, "home"))) await linkup(["stop"]);
    await Promise.all(Object.values(copies ?? {}).flatMap((c) => Object.values(c).map((x) => new Promise((r) => x.server.close(r)))));
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it("linkup init writes a config that validates, git-ignores linkup.local.yaml and names the next commands", async () => {
    const r = await linkup([
      "init",
      "--service",
      `web=${copies.web.local.url},${copies.web.remote.url}`,
      "--service",
      `api=${copies.api.local.url},${copies.api.remote.url}`,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("npx linkup apply");
    expect(readFileSync(join(dir, "shop", ".gitignore"), "utf8")).toBe("linkup.local.yaml\n");
    const config = readFileSync(join(dir, "shop", "linkup.yaml"), "utf8");
    expect(config).toMatch(/^# yaml-language-server: \$schema=\S+linkup\.schema\.json\n/);
    expect(existsSync(join(dir, "shop", config.split("\n")[0]!.split("$schema=")[1]!))).toBe(true);
    expect(config).toContain("- domain: shop.test");
    const valid = await linkup(["validate"]);
    expect(valid.code, valid.stdout + valid.stderr).toBe(0);
    // A second init refuses to overwrite.
    const again = await linkup(["init", "--service", `web=${copies.web.local.url}`]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("--force");
    expect(readFileSync(join(dir, "shop", "linkup.yaml"), "utf8")).toBe(config);
  });

  it("linkup apply starts everything and prints a URL that needs no setup", async () => {
    const r = await linkup(["apply"]);
    expect(r.code, r.stderr).toBe(0);
    applyOutput = r.stdout;
    const m = /^open:\n\s+([a-z0-9-]+)\s+(\S+)$/m.exec(applyOutput);
    expect(m, applyOutput).not.toBeNull();
    url = m![2]!;
    expect(url).toBe(`http://${m![1]}.shop.test.localhost:${env.LINKUP_WORKER_PORT}/`);
  }, 120_000);

  it("plain curl on the printed URL reaches web from the local copy and api from the remote one", async () => {
    expect(await curl(url)).toContain("<title>web (local copy)</title>");
    const api = await curl(`${url}api/hello`);
    expect(api).toContain("api (remote copy) /api/hello");
    // The app sees its real domain.
    expect(api).toContain(`host=${new URL(url).hostname.replace(/\.localhost$/, "")}:${env.LINKUP_WORKER_PORT}`);
  });

  it("headless Chromium with no resolver rules opens the printed URL, and the page's call reaches the api", async () => {
    profileDir = await mkdtemp(join(tmpdir(), "linkup-first-chromium-"));
    context = await launchChromiumContext(inject("chromium"), profileDir);
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector("body[data-ready='1']");
    expect(await page.textContent("#web")).toBe("web (local copy)");
    expect(await page.textContent("#api")).toContain("api (remote copy) /api/hello");
    await page.close();
  }, 120_000);

  it("after `linkup route local api` the same URL shows the api from the local copy", async () => {
    const r = await linkup(["route", "local", "api"]);
    expect(r.code, r.stderr).toBe(0);
    expect(await curl(`${url}api/hello`)).toContain("api (local copy)");
    const page = await context!.newPage();
    await page.goto(url);
    await page.waitForSelector("body[data-ready='1']");
    expect(await page.textContent("#api")).toContain("api (local copy) /api/hello");
    await page.close();
  });

  it("status and sessions list print the same URL", async () => {
    const status = await linkup(["status"]);
    expect(status.stdout).toContain(url);
    const list = await linkup(["sessions", "list", "--json"]);
    expect(JSON.parse(list.stdout).sessions[0].urls).toEqual([url]);
  });
});
