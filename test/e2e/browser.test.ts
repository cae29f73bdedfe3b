// The example system in a real browser: headless Chromium (Debian's, else the one inside the
// @sparticuz/chromium npm package; test/support/chromium.ts) driven by playwright-core, opening
// the URLs Linkup prints (`<session>.example.test.localhost:<port>`: no DNS change, no
// --host-resolver-rules), Linkup on the embedded default started through the CLI. Checks what a developer would look at: the page
// through a session, the page's cross-origin fetch attributed by Referer, the api->auth call by
// W3C baggage, a route change seen on reload without a restart, an isolated and a preview
// session side by side, and a WebSocket round trip. Screenshots go to test-results/e2e-*.png.
import { mkdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromiumContext } from "../support/chromium.js";
import { startExampleStack, type ExampleStack } from "./example-stack.js";
const ARTIFACTS = fileURLToPath(new URL("../../test-results/", import.meta.url));

let stack: ExampleStack;
let context: BrowserContext;
let profileDir: string;

/** Opens a session's page and waits until its script has finished both the fetch and the WebSocket. */
async function openPage(url: string, page?: Page): Promise<Page> {
  const p = page ?? (await context.newPage());
  await p.goto(url);
  await p.waitForSelector("body[data-ready='1']");
  return p;
}

const text = async (page: Page, id: string) => (await page.textContent(`#${id}`))?.trim() ?? "";
const daemonPid = () => readFileSync(join(stack.env.LINKUP_HOME!, "local-server.pid"), "utf8").split("\n")[0];

describe("the example in headless Chromium through Linkup (embedded default)", () => {
  beforeAll(async () => {
    stack = await startExampleStack();
    profileDir = await mkdtemp(join(tmpdir(), "linkup-e2e-chromium-"));
    context = await launchChromiumContext(inject("chromium"), profileDir);
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await stack?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  }, 60_000);

  it("prints URLs that open as printed: <session>.example.test.localhost on the listener holding the session", () => {
    expect(stack.urls).toEqual({
      [stack.personal]: `http://${stack.personal}.example.test.localhost:${stack.ports.worker}/`,
      "isolated-api": `http://isolated-api.example.test.localhost:${stack.ports.proxy}/`,
      "pr-42": `http://pr-42.example.test.localhost:${stack.ports.worker}/`,
    });
  });

  it("loads the page of the personal session through the worker, with web from the local copy", async () => {
    const page = await openPage(stack.urls[stack.personal]!);
    expect(await text(page, "web")).toBe("web (local copy)");
    expect(await text(page, "session")).toBe(stack.personal);
    expect(await text(page, "api")).toContain(`api (remote copy) for session ${stack.personal}`);
    await page.screenshot({ path: join(ARTIFACTS, "e2e-personal.png") });
    await page.close();
  });

  it("attributes the page's fetch to api.example.test by Referer (asked of the api itself)", async () => {
    const seen = stack.requests("remote", "api").filter((r) => r.path === "/hello" && !r.websocket);
    expect(seen.length).toBeGreaterThan(0);
    const last = seen[seen.length - 1]!;
    // The browser asked for api.example.test.localhost (no session label): only Referer/Origin
    // named the session. The app is told its real domain, without the .localhost alias.
    expect(last.forwardedHost).toBe(`api.example.test:${stack.ports.worker}`);
    expect(last.referer).toBe(stack.urls[stack.personal]);
    expect(last.session).toBe(stack.personal);
  });

  it("attributes the api's call to auth by W3C baggage alone, and keeps the trace", async () => {
    const apiSaw = stack.requests("remote", "api").filter((r) => r.path === "/hello" && r.session === stack.personal).at(-1)!;
    const authSaw = stack.requests("remote", "auth").filter((r) => r.session === stack.personal).at(-1)!;
    expect(authSaw).toBeDefined();
    // Linkup gave the api both members; the api passed on only traceparent and baggage.
    expect(apiSaw.baggage).toBe(`linkup-session=${stack.personal}`);
    const page = await openPage(stack.urls[stack.personal]!);
    const api = await page.evaluate(() => (window as any).apiResult);
    expect(api.propagated).toEqual(["traceparent", "baggage"]);
    await page.close();
    // A server-side call: no Referer, no Origin, a host without a session label, no tracestate
    // from the api; the linkup-session baggage member alone named the session.
    expect(authSaw.referer).toBeNull();
    expect(authSaw.origin).toBeNull();
    expect(authSaw.forwardedHost).toBe(`api.example.test:${stack.ports.worker}`);
    expect(authSaw.baggage).toMatch(new RegExp(`(^|,)linkup-session=${stack.personal}(,|;|$)`));
    // Linkup added tracestate again on that hop, naming the session it found in baggage.
    expect(authSaw.tracestate).toBe(`linkup-session=${stack.personal}`);
    // The same trace id on both hops: the api passed traceparent on and Linkup kept it.
    expect(authSaw.traceparent?.split("-")[1]).toBe(apiSaw.traceparent?.split("-")[1]);
  });

  it("round-trips a WebSocket message to the api through the worker", async () => {
    const page = await openPage(stack.urls[stack.personal]!);
    const ws = await page.evaluate(() => (window as any).wsResult);
    expect(ws).toEqual({ echo: `ping from ${stack.personal}`, from: "api (remote copy)", session: stack.personal });
    expect(await text(page, "ws")).toBe(`api (remote copy) echoed: ping from ${stack.personal}`);
    await page.close();
  });

  it("shows a `linkup route` change on reload, without restarting anything", async () => {
    const pidBefore = daemonPid();
    const page = await openPage(stack.urls[stack.personal]!);
    expect(await text(page, "web")).toBe("web (local copy)");

    const toRemote = await stack.linkup(["route", "remote", "web"]);
    expect(toRemote.code, toRemote.stderr).toBe(0);
    await openPage(page.url(), page);
    expect(await text(page, "web")).toBe("web (remote copy)");

    const toLocal = await stack.linkup(["route", "local", "web"]);
    expect(toLocal.code, toLocal.stderr).toBe(0);
    await openPage(page.url(), page);
    expect(await text(page, "web")).toBe("web (local copy)");
    expect(daemonPid()).toBe(pidBefore);
    await page.close();
  });

  it("gives an isolated and a preview session different pages side by side", async () => {
    const isolated = await openPage(stack.urls["isolated-api"]!);
    const preview = await openPage(stack.urls["pr-42"]!);

    expect(await text(isolated, "web")).toBe("web (remote copy)");
    expect(await text(isolated, "api")).toContain("api (local copy) for session isolated-api");
    expect(await text(isolated, "auth")).toBe("auth (remote copy) for session isolated-api");
    expect(await text(isolated, "ws")).toBe("api (local copy) echoed: ping from isolated-api");

    expect(await text(preview, "web")).toBe("web (remote copy, preview build pr-42)");
    expect(await text(preview, "api")).toContain("api (remote copy) for session pr-42");
    expect(await text(preview, "auth")).toBe("auth (remote copy) for session pr-42");

    // Both still show their own session after the other loaded (no shared state between them).
    await isolated.reload();
    await isolated.waitForSelector("body[data-ready='1']");
    expect(await text(isolated, "session")).toBe("isolated-api");
    expect(await text(preview, "session")).toBe("pr-42");

    const shots = [
      await isolated.screenshot({ path: join(ARTIFACTS, "e2e-isolated.png") }),
      await preview.screenshot({ path: join(ARTIFACTS, "e2e-preview.png") }),
    ];
    // One picture with both pages next to each other, for a reviewer to see at a glance.
    const board = await context.newPage();
    await board.setViewportSize({ width: 1820, height: 580 });
    await board.setContent(
      `<body style="margin:0;display:flex;gap:20px;background:#ddd">${shots
        .map((b) => `<img style="width:900px;border:1px solid #888" src="data:image/png;base64,${b.toString("base64")}">`)
        .join("")}</body>`,
    );
    await board.screenshot({ path: join(ARTIFACTS, "e2e-side-by-side.png") });
    await board.close();
    await isolated.close();
    await preview.close();
  });
});
