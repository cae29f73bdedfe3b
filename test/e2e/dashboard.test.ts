// The dashboard in a real headless Chromium, on the example system (embedded default, started
// through the CLI): opened through `linkup dashboard`'s one-time link, it shows the example's
// sessions; its switch sends the personal session's web to the remote copy, the session's page
// follows, and the fresh request shows up in the live log with its explanation. A switch against
// a session changed elsewhere meanwhile shows the new state. Screenshots go to test-results/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/chromium.js";
import { startExampleStack, type ExampleStack } from "./example-stack.js";

const ARTIFACTS = fileURLToPath(new URL("../../test-results/", import.meta.url));
const WAIT = { timeout: 30_000 };

let stack: ExampleStack;
let browser: Browser;
let context: BrowserContext;
let dashboard: Page;

const serviceRow = (session: string, service: string) => `article.session[data-session="${session}"] tr.service[data-service="${service}"]`;

async function sessionPage(url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector("body[data-ready='1']", WAIT);
  return page;
}

describe("the dashboard in headless Chromium (embedded default)", () => {
  beforeAll(async () => {
    stack = await startExampleStack();
    browser = await launchChromium(["--host-resolver-rules=MAP *.example.test 127.0.0.1, MAP example.test 127.0.0.1", "--disable-quic"]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  }, 60_000);

  it("opens through `linkup dashboard`'s one-time link and shows the example's sessions", async () => {
    const r = await stack.linkup(["dashboard", "--print", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const link = JSON.parse(r.stdout) as { url: string; expires_in: number; opened: boolean };
    expect(link.opened).toBe(false);
    expect(link.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${stack.ports.admin}/dashboard/login\\?code=`));

    dashboard = await context.newPage();
    // The page's own timers run only when the test says so: no poll can hide the conflict below.
    await dashboard.clock.install();
    await dashboard.goto(link.url);
    await dashboard.waitForSelector("body[data-ready='1']", WAIT);
    // The one-time link left nothing in the address bar or the page: the token never appears.
    expect(dashboard.url()).toBe(`http://127.0.0.1:${stack.ports.admin}/dashboard`);
    const cookies = await context.cookies(`http://127.0.0.1:${stack.ports.admin}/dashboard`);
    expect(cookies).toEqual([expect.objectContaining({ httpOnly: true, sameSite: "Strict", path: "/dashboard" })]);

    for (const name of [stack.personal, "isolated-api", "pr-42"]) await dashboard.waitForSelector(`article.session[data-session="${name}"]`, WAIT);
    const personal = dashboard.locator(`article.session[data-session="${stack.personal}"]`);
    await expect.poll(() => personal.locator(".badge.you").count()).toBe(1);
    expect(await personal.getAttribute("data-session")).toBe(stack.personal);
    expect(await dashboard.getAttribute(serviceRow(stack.personal, "web"), "data-route")).toBe("local");
    expect(await dashboard.getAttribute(serviceRow("pr-42", "web"), "data-route")).toBe("override");
    // Preview sessions cannot route to local.
    expect(await dashboard.locator(`${serviceRow("pr-42", "api")} button[data-to="local"]`).isDisabled()).toBe(true);
    // Linkup's own parts: the local server, the (embedded) worker.
    expect(await dashboard.getAttribute('[data-component="local_server"] .dot', "class")).toContain("ok");
    expect(await dashboard.getAttribute('[data-component="worker"] .dot', "class")).toContain("ok");
    // Service health from the example's /healthz checks: both copies of web are up.
    await dashboard.waitForSelector(`${serviceRow(stack.personal, "web")} td .dot.ok`, WAIT);
  });

  it("switches web to the remote copy; the page and a fresh request follow", async () => {
    const before = await sessionPage(`http://${stack.personal}.example.test:${stack.ports.worker}/`);
    expect((await before.textContent("#web"))?.trim()).toBe("web (local copy)");
    await before.close();

    const owners = async () =>
      dashboard.evaluate(async (name) => {
        const state = await (await fetch("/dashboard/api/state")).json();
        const session = state.sessions.find((x: { name: string }) => x.name === name);
        return session.copies.map((c: { placement: string; record: { owner: string | null; managed_by: string | null } }) => [c.placement, c.record.owner, c.record.managed_by]);
      }, stack.personal);
    const ownersBefore = await owners();
    await dashboard.click(`${serviceRow(stack.personal, "web")} button[data-to="remote"]`);
    await dashboard.waitForSelector(`${serviceRow(stack.personal, "web")}[data-route="remote"]`, WAIT);
    // The switch changed the route only: owner and manager are kept on both sides.
    expect(await owners()).toEqual(ownersBefore);
    expect(await dashboard.getAttribute(`${serviceRow(stack.personal, "web")} button[data-to="remote"]`, "aria-pressed")).toBe("true");

    // The session's own page, reloaded: web now comes from the remote copy.
    const after = await sessionPage(`http://${stack.personal}.example.test:${stack.ports.worker}/`);
    expect((await after.textContent("#web"))?.trim()).toBe("web (remote copy)");
    await after.close();
    // Both sides hold the switch (what `linkup status` reads too).
    const status = await stack.linkup(["status", "--session", stack.personal, "--json"]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).sessions[0].services.find((s: { name: string }) => s.name === "web").location).toBe("remote");

    // The fresh request in the live log: routed by the worker to the remote copy, found by its host.
    const row = `tr.request[data-session="${stack.personal}"][data-service="web"][data-location="remote"][data-at="worker"]`;
    await dashboard.waitForSelector(row, WAIT);
    await dashboard.click(row);
    const detail = dashboard.locator("tr.detail").first();
    await detail.waitFor(WAIT);
    const text = (await detail.textContent()) ?? "";
    expect(text).toContain(`${stack.personal}, named by host`);
    expect(text).toContain("example.test");
    expect(text).toContain("web (remote)");
    await dashboard.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });
  });

  it("filters the log by session and service", async () => {
    await dashboard.selectOption("#filter-service", "api");
    await dashboard.waitForSelector("#stream-state:text('live')", WAIT);
    const page = await sessionPage(`http://${stack.personal}.example.test:${stack.ports.worker}/`);
    await page.close();
    await dashboard.waitForSelector('tr.request[data-service="api"]', WAIT);
    const services = await dashboard.locator("tr.request").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-service")));
    expect(new Set(services)).toEqual(new Set(["api"]));
    await dashboard.selectOption("#filter-service", "");
  });

  it("a switch against a session changed elsewhere shows the new state", async () => {
    // Elsewhere: the CLI puts web back to local; the page still shows remote (no poll has run).
    const r = await stack.linkup(["route", "local", "web"]);
    expect(r.code, r.stderr).toBe(0);
    expect(await dashboard.getAttribute(serviceRow(stack.personal, "web"), "data-route")).toBe("remote");
    await dashboard.click(`${serviceRow(stack.personal, "web")} button[data-to="remote"]`);
    await dashboard.waitForSelector("#notice:not([hidden])", WAIT);
    expect(await dashboard.textContent("#notice")).toContain("changed elsewhere");
    // The page now shows what the session really says, and nothing was overwritten.
    await dashboard.waitForSelector(`${serviceRow(stack.personal, "web")}[data-route="local"]`, WAIT);
    const page = await sessionPage(`http://${stack.personal}.example.test:${stack.ports.worker}/`);
    expect((await page.textContent("#web"))?.trim()).toBe("web (local copy)");
    await page.close();
    await dashboard.screenshot({ path: join(ARTIFACTS, "dashboard-conflict.png") });
  });
});
