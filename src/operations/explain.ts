// `linkup explain URL [-H 'Header: value'...] [--session NAME] [--at worker|local]`: how Linkup
// would route one request, computed by the core (core/explain.ts, the routing code itself) against
// the live sessions of each side that answers, else against the sessions linkup.yaml declares.
import { explainRequest, type Explanation } from "../core/explain.js";
import { ConfigError } from "../core/errors.js";
import type { RecordedAt } from "../core/request-record.js";
import type { SessionRecord } from "../core/session.js";
import { isReachable } from "../clients/reachable.js";
import type { Placement, SessionApi } from "../clients/session-api.js";
import { rememberedPersonalName } from "../machine/personal-session.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { desiredSessions } from "../reconcile/desired.js";

export interface ExplainArgs {
  url: string;
  headers: string[];
  method: string;
  session: string | undefined;
  at: RecordedAt | undefined;
}

export interface ExplainReport extends Explanation {
  /** Where each side's sessions came from: `live` (the server answered) or `config` (linkup.yaml). */
  sources: Record<Placement, "live" | "config">;
  at: RecordedAt;
  /** True when the URL had a query: Linkup passes it on unchanged (it plays no part in routing). */
  query: boolean;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `Name: value` pairs, as curl's -H takes them. */
export function parseHeaderArgs(values: readonly string[]): [string, string][] {
  return values.map((raw) => {
    const colon = raw.indexOf(":");
    const name = colon === -1 ? "" : raw.slice(0, colon).trim();
    if (!name || !HEADER_NAME.test(name))
      throw new ConfigError("invalid-header", `-H ${JSON.stringify(raw)} is not a header: write it as 'Name: value'`, {
        hint: "e.g. -H 'Referer: https://slim-gecko.example.com/'",
      });
    return [name, raw.slice(colon + 1).trim()];
  });
}

function parseUrl(text: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.host)
    throw new ConfigError("invalid-url", `${JSON.stringify(text)} is not an http(s) URL`, { hint: "e.g. linkup explain https://slim-gecko.example.com/auth/login" });
  return url;
}

async function sideSessions(client: SessionApi, origin: string, fromConfig: SessionRecord[]): Promise<{ records: SessionRecord[]; live: boolean }> {
  if (await isReachable(origin, 2_000)) {
    try {
      return { records: await client.list(), live: true };
    } catch {
      // Up but refusing (a wrong token): the config is the better guess.
    }
  }
  return { records: fromConfig, live: false };
}

/** Records for the sessions the config declares (the personal one under its remembered name). */
function configRecords(ctx: ReconcileContext, placement: Placement): SessionRecord[] {
  const personal = rememberedPersonalName(ctx.stateDir, ctx.personalKey);
  const at = new Date(0).toISOString();
  return desiredSessions(ctx.loaded, personal, ctx.owner.id)
    .filter((d) => d.placement.includes(placement))
    .map((d) => ({
      name: d.name,
      spec: d.spec,
      version: 0,
      spec_hash: "",
      managed_by: ctx.identity,
      owner: d.owner,
      tunnel_url: null,
      created_at: at,
      updated_at: at,
    }));
}

function originOf(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

export async function explain(ctx: ReconcileContext, args: ExplainArgs): Promise<ExplainReport> {
  const url = parseUrl(args.url);
  const headers = parseHeaderArgs(args.headers);
  // -H 'Host: ...' replaces the URL's host, as with curl.
  const hostHeader = headers.find(([n]) => n.toLowerCase() === "host");
  const others = headers.filter(([n]) => n.toLowerCase() !== "host");
  const [local, worker] = await Promise.all([
    sideSessions(ctx.clients.local, originOf(ctx.clients.local.baseUrl), configRecords(ctx, "local")),
    sideSessions(ctx.clients.worker, originOf(ctx.clients.worker.baseUrl), configRecords(ctx, "worker")),
  ]);
  const input = {
    method: args.method.toUpperCase(),
    host: hostHeader ? hostHeader[1] : url.host,
    path: url.pathname,
    headers: others,
    proto: url.protocol.slice(0, -1),
  };
  const expect = args.session;
  const run = (at: RecordedAt) =>
    explainRequest(input, { at, sessions: { local: local.records, worker: worker.records }, expect, offline: !worker.live, now: Date.now() });
  // Where the request lands: as asked; else the local proxy when the URL names its port; else the
  // worker, unless only the local server has the session the request names.
  const ports = ctx.settings.ports;
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  let at: RecordedAt = args.at ?? (port === ports.proxy || port === ports.https ? "local" : "worker");
  let explanation = run(at);
  if (args.at === undefined && at === "worker" && explanation.hops[0]!.session === null) {
    const atLocal = run("local");
    if (atLocal.hops[0]!.session !== null) {
      at = "local";
      explanation = atLocal;
    }
  }
  return { ...explanation, sources: { local: local.live ? "live" : "config", worker: worker.live ? "live" : "config" }, at, query: url.search !== "" };
}
