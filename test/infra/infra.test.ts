// `linkup infra deploy|destroy` core against the Cloudflare API stand-in; the worker bundle is
// produced by the real `wrangler deploy --dry-run` on a tiny project. The infra code reports through
// events and results; the text assertions render them with the CLI's own formatter.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCloudflareStandin, type CloudflareStandin } from "../support/cloudflare-api-standin.js";
import { infraDeploy, type InfraDeployResult } from "../../src/infra/deploy.js";
import { infraDestroy, type InfraDestroyResult } from "../../src/infra/destroy.js";
import type { InfraEvent } from "../../src/infra/events.js";
import { deployResultLines, destroyResultLines, infraEventLines } from "../../src/cli/output/infra-report.js";
import { bundleWithWrangler, type WorkerBundle } from "../../src/infra/worker-bundle.js";
import { cloudflareTunnelProvider } from "../../src/worker/tunnels/cloudflare.js";

const TOKEN = "cf-admin-token";
const ACCOUNT = "acct-infra";
const ZONES = [
  { id: "zone-a", name: "a.test" },
  { id: "zone-b", name: "b.test" },
];
const SCRIPT = "linkup-worker-a-test-b-test";

let project: string;
let bundle: WorkerBundle;
let cf: CloudflareStandin;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "linkup-infra-"));
  await mkdir(join(project, "src"));
  await writeFile(join(project, "wrangler.toml"), 'name = "linkup-test"\nmain = "src/index.ts"\ncompatibility_date = "2024-12-18"\n');
  await writeFile(join(project, "src/greeting.ts"), 'export const greeting = "hello from linkup";\n');
  await writeFile(join(project, "src/index.ts"), 'import { greeting } from "./greeting";\nexport default { fetch() { return new Response(greeting); } };\n');
  bundle = await bundleWithWrangler({ cwd: project });
}, 60_000);
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});
beforeEach(async () => {
  cf = await startCloudflareStandin({ token: TOKEN, accountId: ACCOUNT, zones: ZONES, workersSubdomain: "team" });
  // things that are not Linkup's and must survive
  cf.state.dns.set("foreign", { id: "foreign", zone_id: "zone-a", type: "A", name: "www.a.test", content: "192.0.2.1", proxied: true, ttl: 1, comment: null });
  cf.state.rulesets.set("zone-a", { id: "rs", kind: "zone", name: "default", phase: "http_request_cache_settings", rules: [{ id: "other", action: "set_cache_settings", expression: 'http.host eq "static.a.test"', description: "someone else's" }] });
});
afterEach(async () => {
  await cf.close();
});

/** Collects the events; `text` renders them and a result as the CLI prints them. */
function capture() {
  const events: InfraEvent[] = [];
  const isDeploy = (r: InfraDeployResult | InfraDestroyResult): r is InfraDeployResult => "workerUrl" in r;
  return {
    onEvent: (e: InfraEvent) => void events.push(e),
    events,
    text: (r: InfraDeployResult | InfraDestroyResult) =>
      [...events.flatMap(infraEventLines), ...(isDeploy(r) ? deployResultLines(r) : destroyResultLines(r)), ""].join("\n"),
  };
}
const opts = (onEvent: (e: InfraEvent) => void, extra: Record<string, unknown> = {}) => ({
  accountId: ACCOUNT,
  zoneIds: ZONES.map((z) => z.id),
  apiToken: TOKEN,
  apiBase: cf.url,
  dryRun: false,
  onEvent,
  bundle: async () => bundle,
  ...extra,
});

describe("infra deploy/destroy", () => {
  it("wrangler --dry-run produces the ES module bundle that is uploaded", () => {
    expect(bundle.mainModule).toBe("index.js");
    expect(bundle.modules.map((m) => m.name)).toEqual(["index.js"]);
    expect(bundle.modules[0]!.content).toContain("hello from linkup");
  });

  it("--dry-run reports the full plan and writes nothing", async () => {
    const o = capture();
    const result = await infraDeploy(opts(o.onEvent, { dryRun: true }));
    expect(result).toMatchObject({ outcome: "dry-run", applied: false });
    expect(cf.writes()).toEqual([]);
    expect(o.events.map((e) => e.type)).toEqual(["plan"]);
    expect(o.events[0]).toMatchObject({ type: "plan", operation: "deploy", target: { script: SCRIPT, accountId: ACCOUNT, zones: ["a.test", "b.test"] } });
    expect(o.text(result)).toBe(
      [
        `Linkup deployment ${SCRIPT} on account ${ACCOUNT}; zones: a.test (tunnel zone), b.test`,
        `  + create    api-token ${SCRIPT}`,
        "  + create    kv-namespace linkup-sessions-a-test-b-test",
        "  + create    kv-namespace linkup-tunnels-a-test-b-test",
        `  + create    worker-script ${SCRIPT}`,
        `  + create    worker-secret ${SCRIPT}/WORKER_TOKEN`,
        `  + create    worker-secret ${SCRIPT}/CLOUDFLARE_API_TOKEN`,
        `  + create    worker-cron ${SCRIPT}`,
        `  + create    workers-dev ${SCRIPT}`,
        "  + create    worker-route *.a.test/*",
        "  + create    worker-route a.test/*",
        "  + create    worker-route *.b.test/*",
        "  + create    worker-route b.test/*",
        "  + create    dns-record *.a.test",
        "  + create    dns-record a.test",
        "  + create    dns-record *.b.test",
        "  + create    dns-record b.test",
        "  + create    cache-rule a.test",
        "17 to create, 0 to update, 0 to delete, 0 unchanged.",
        "Dry run: nothing was changed.",
        "",
      ].join("\n"),
    );
  });

  it("deploy creates everything; deploying again makes zero writes and keeps the worker token", async () => {
    const first = capture();
    const r1 = await infraDeploy(opts(first.onEvent));
    expect(r1.outcome).toBe("applied");
    expect(r1.workerToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // One "applied" event per planned write, in plan order, after the plan.
    expect(first.events.map((e) => (e.type === "applied" ? `${e.action.kind} ${e.action.key}` : e.type))).toEqual([
      "plan",
      ...r1.actions.filter((a) => a.op !== "unchanged").map((a) => `${a.kind} ${a.key}`),
    ]);
    expect(first.text(r1)).toContain(`New worker token (shown only now; put it in your linkup config as the worker token): ${r1.workerToken}`);
    expect(r1.workerUrl).toBe(`https://${SCRIPT}.team.workers.dev`);

    const script = cf.state.scripts.get(SCRIPT)!;
    const kvIds = Object.fromEntries([...cf.state.kv.values()].map((n) => [n.title, n.id]));
    expect(script.metadata.bindings).toEqual(
      expect.arrayContaining([
        { type: "kv_namespace", name: "LINKUP_SESSIONS", namespace_id: kvIds["linkup-sessions-a-test-b-test"] },
        { type: "kv_namespace", name: "LINKUP_TUNNELS", namespace_id: kvIds["linkup-tunnels-a-test-b-test"] },
        { type: "plain_text", name: "TUNNEL_PROVIDER", text: "cloudflare" },
        { type: "plain_text", name: "CLOUDFLARE_TUNNEL_ZONE_NAME", text: "a.test" },
        { type: "plain_text", name: "CLOUDFLARE_API_BASE", text: cf.url },
        { type: "ratelimit", name: "NAME_PROBE_LIMITER", namespace_id: expect.stringMatching(/^\d+$/), simple: { limit: 30, period: 60 } },
      ]),
    );
    // Without an access block, the worker gets no Access settings.
    expect(script.metadata.bindings.map((b) => b.name)).not.toContain("ACCESS_AUD");
    expect(script.modules["index.js"]).toContain("hello from linkup");
    expect(script.secrets.get("WORKER_TOKEN")).toBe(r1.workerToken);
    const workerApiToken = [...cf.state.tokens.values()][0]!;
    expect(script.secrets.get("CLOUDFLARE_API_TOKEN")).toBe(workerApiToken.value);
    expect(JSON.stringify(first.events)).not.toContain(workerApiToken.value);
    expect(first.text(r1)).not.toContain(workerApiToken.value);
    expect(first.text(r1)).not.toContain(TOKEN);
    expect(script.schedules).toEqual([{ cron: "0 * * * *" }]);
    expect(script.subdomain_enabled).toBe(true);
    expect([...cf.state.routes.values()].map((r) => r.pattern).sort()).toEqual(["*.a.test/*", "*.b.test/*", "a.test/*", "b.test/*"]);
    expect([...cf.state.dns.values()].filter((r) => r.type === "CNAME").map((r) => `${r.name} -> ${r.content} ${r.proxied}`).sort()).toEqual([
      `*.a.test -> ${SCRIPT}.team.workers.dev true`,
      `*.b.test -> ${SCRIPT}.team.workers.dev true`,
      `a.test -> ${SCRIPT}.team.workers.dev true`,
      `b.test -> ${SCRIPT}.team.workers.dev true`,
    ]);
    expect(cf.state.rulesets.get("zone-a")!.rules.map((r) => [r.expression, r.action_parameters])).toEqual([
      ['http.host eq "static.a.test"', undefined],
      ['starts_with(http.host, "linkup-tunnel-")', { cache: false }],
    ]);
    expect(cf.state.rulesets.has("zone-b")).toBe(false);

    const writesAfterFirst = cf.writes().length;
    const second = capture();
    const r2 = await infraDeploy(opts(second.onEvent));
    expect(cf.writes().length).toBe(writesAfterFirst);
    expect(r2.actions.every((a) => a.op === "unchanged")).toBe(true);
    expect(r2).toMatchObject({ outcome: "no-change", applied: true });
    expect(r2.workerToken).toBeUndefined();
    expect(second.text(r2)).toContain("0 to create, 0 to update, 0 to delete, 17 unchanged.");
    expect(second.text(r2)).toContain("Nothing to do");
  });

  it("asks after reporting the plan; a no changes nothing", async () => {
    const o = capture();
    let planSeenBeforeAsking = false;
    const r = await infraDeploy(opts(o.onEvent, { confirm: async () => ((planSeenBeforeAsking = o.events.length === 1 && o.events[0]!.type === "plan"), false) }));
    expect(planSeenBeforeAsking).toBe(true);
    expect(r).toMatchObject({ outcome: "cancelled", applied: false });
    expect(o.events.map((e) => e.type)).toEqual(["plan"]);
    expect(cf.writes()).toEqual([]);
    expect(o.text(r)).toContain("Cancelled: nothing was changed.");
  });

  it("with an access block the worker gets the Access settings (a script update), and the plan says what to create in Access", async () => {
    await infraDeploy(opts(capture().onEvent));
    const access = { team_domain: "https://myteam.cloudflareaccess.com/", audience: "a".repeat(64) };
    const o = capture();
    const r = await infraDeploy(opts(o.onEvent, { access, sessionDomains: ["example.com"], publicSessions: ["shared"] }));
    expect(r.actions.filter((a) => a.op !== "unchanged").map((a) => `${a.op} ${a.kind}`)).toEqual(["update worker-script"]);
    const bindings = cf.state.scripts.get(SCRIPT)!.metadata.bindings;
    expect(bindings).toEqual(
      expect.arrayContaining([
        { type: "plain_text", name: "ACCESS_TEAM_DOMAIN", text: "myteam.cloudflareaccess.com" },
        { type: "plain_text", name: "ACCESS_AUD", text: "a".repeat(64) },
      ]),
    );
    // Never a test-only certs URL on a deployed worker.
    expect(bindings.map((b) => b.name)).not.toContain("ACCESS_CERTS_URL");
    // Reported with the plan, as data the CLI prints.
    const plan = o.events.find((e) => e.type === "plan");
    expect(plan?.type === "plan" && plan.access).toMatchObject({
      teamDomain: "myteam.cloudflareaccess.com",
      certsUrl: "https://myteam.cloudflareaccess.com/cdn-cgi/access/certs",
      sessionHosts: ["*.example.com"],
      tunnelHosts: "linkup-tunnel-<session>.a.test",
      publicHosts: ["shared.example.com"],
    });
    expect(o.text(r)).toContain("Cloudflare Access (team myteam.cloudflareaccess.com)");
  });

  it("a changed bundle re-uploads only the script and keeps its secrets; a lost API-token secret is restored by rolling the token", async () => {
    await infraDeploy(opts(capture().onEvent));
    const workerToken = cf.state.scripts.get(SCRIPT)!.secrets.get("WORKER_TOKEN");
    const before = cf.writes().length;
    const changed: WorkerBundle = { ...bundle, modules: bundle.modules.map((m) => ({ ...m, content: m.content.replace("hello", "howdy") })) };
    const o = capture();
    const r = await infraDeploy(opts(o.onEvent, { bundle: async () => changed }));
    expect(r.actions.filter((a) => a.op !== "unchanged").map((a) => `${a.op} ${a.kind} ${a.changed.join(",")}`)).toEqual(["update worker-script version_tag"]);
    expect(o.text(r)).toContain(`~ update    worker-script ${SCRIPT} (version_tag)`);
    expect(cf.writes().slice(before).map((c) => `${c.method} ${c.path}`)).toEqual([`PUT accounts/${ACCOUNT}/workers/scripts/${SCRIPT}`]);
    expect(cf.state.scripts.get(SCRIPT)!.secrets.get("WORKER_TOKEN")).toBe(workerToken);
    expect(r.workerToken).toBeUndefined();
    expect(o.text(r)).toContain("Worker token unchanged");

    cf.state.scripts.get(SCRIPT)!.secrets.delete("CLOUDFLARE_API_TOKEN");
    const mark = cf.writes().length;
    await infraDeploy(opts(capture().onEvent, { bundle: async () => changed }));
    expect(cf.writes().slice(mark).map((c) => `${c.method} ${c.path.replace(/tokens\/\w+/, "tokens/:id")}`)).toEqual([
      `PUT accounts/${ACCOUNT}/tokens/:id/value`,
      `PUT accounts/${ACCOUNT}/workers/scripts/${SCRIPT}/secrets`,
    ]);
    expect(cf.state.scripts.get(SCRIPT)!.secrets.get("CLOUDFLARE_API_TOKEN")).toBe([...cf.state.tokens.values()][0]!.value);
  });

  it("destroy removes the deployment and the session tunnels in the tunnel zone, and nothing else", async () => {
    await infraDeploy(opts(capture().onEvent));
    const provider = cloudflareTunnelProvider({ apiBase: cf.url, apiToken: TOKEN, accountId: ACCOUNT, zoneId: "zone-a", zoneName: "a.test", ingressService: "http://localhost:8790" });
    const tunnel = await provider.provision("tiny-cow", Date.now());

    const dry = capture();
    const before = cf.writes().length;
    const planned = await infraDestroy(opts(dry.onEvent, { dryRun: true }));
    expect(cf.writes().length).toBe(before);
    expect(planned).toMatchObject({ outcome: "dry-run", applied: false });
    expect(planned.actions.every((a) => a.op === "delete")).toBe(true);
    expect(planned.actions.map((a) => `${a.kind} ${a.key}`)).toEqual(expect.arrayContaining(["tunnel linkup-tunnel-tiny-cow", "tunnel-dns-record linkup-tunnel-tiny-cow.a.test"]));
    expect(dry.text(planned)).toContain("  - delete    tunnel linkup-tunnel-tiny-cow");
    expect(dry.text(planned)).toContain("0 to create, 0 to update, 15 to delete, 0 unchanged.");

    const removal = capture();
    const removed = await infraDestroy(opts(removal.onEvent));
    expect(removed.outcome).toBe("applied");
    expect(removal.events.filter((e) => e.type === "applied")).toHaveLength(15);
    expect(cf.state.scripts.size).toBe(0);
    expect(cf.state.kv.size).toBe(0);
    expect(cf.state.tokens.size).toBe(0);
    expect(cf.state.routes.size).toBe(0);
    expect([...cf.state.dns.keys()]).toEqual(["foreign"]);
    expect(cf.state.rulesets.get("zone-a")!.rules.map((r) => r.id)).toEqual(["other"]);
    expect(cf.state.tunnels.get(tunnel.tunnel_id)!.deleted_at).not.toBeNull();

    const again = capture();
    const mark = cf.writes().length;
    const nothing = await infraDestroy(opts(again.onEvent));
    expect(cf.writes().length).toBe(mark);
    expect(nothing).toMatchObject({ outcome: "no-change", applied: true, actions: [] });
    expect(again.text(nothing)).toContain("Nothing to remove.");
  });

  it("reports Cloudflare errors and missing options clearly", async () => {
    cf.failNext("POST", /tokens$/, 403, [{ code: 9109, message: "Unauthorized to access requested resource" }]);
    await expect(infraDeploy(opts(capture().onEvent))).rejects.toThrow(
      `Cloudflare API: could not create API token ${SCRIPT} (HTTP 403): [9109] Unauthorized to access requested resource`,
    );
    await expect(infraDeploy(opts(capture().onEvent, { zoneIds: [], accountId: "" }))).rejects.toThrow(/needs --account-id .*--zone-ids/);
  });
});
