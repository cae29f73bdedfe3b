import { describe, expect, it } from "vitest";
import { ConflictError, RemoteError } from "../core/errors.js";
import type { PutSessionBody, SessionRecord, SessionSpec } from "../core/session.js";
import { applyPlan } from "./apply.js";
import type { Placement, SessionApi } from "../clients/session-api.js";
import type { DesiredSession } from "./desired.js";
import { plan } from "./plan.js";

const spec = (route = "remote"): SessionSpec => ({
  type: "isolated",
  services: [{ name: "web", route, local: "http://127.0.0.1:3000", remote: "https://web.example.com", rewrites: [] }],
  domains: [{ domain: "example.com", default_service: "web", routes: [] }],
  cache_routes: [],
});

/** A SessionApi over a Map with real version checks; `interfere` runs before a chosen write. */
function fakeApi(placement: Placement, interfere?: (store: Map<string, SessionRecord>, name: string) => void) {
  const store = new Map<string, SessionRecord>();
  let writes = 0;
  const record = (name: string, body: PutSessionBody, version: number): SessionRecord => ({
    name,
    spec: body.spec,
    version,
    spec_hash: "h",
    managed_by: body.managed_by ?? null,
    owner: body.owner ?? null,
    tunnel_url: null,
    created_at: "t",
    updated_at: "t",
  });
  const api: SessionApi & { store: Map<string, SessionRecord> } = {
    store,
    placement,
    baseUrl: "fake",
    writes: () => writes,
    check: async () => ({ ok: true }),
    list: async () => [...store.values()],
    get: async (name) => store.get(name),
    async put(name, body, pre = {}) {
      interfere?.(store, name);
      interfere = undefined;
      const cur = store.get(name);
      if (pre.ifNoneMatch && cur) throw new ConflictError("precondition-failed", "exists");
      if (pre.ifMatch !== undefined && cur?.version !== pre.ifMatch) throw new ConflictError("precondition-failed", "stale");
      writes++;
      const r = record(name, body, (cur?.version ?? 0) + 1);
      store.set(name, r);
      return { record: r, created: !cur };
    },
    async delete(name, pre = {}) {
      const cur = store.get(name);
      if (!cur) return false;
      if (pre.ifMatch !== undefined && cur.version !== pre.ifMatch) throw new ConflictError("precondition-failed", "stale");
      writes++;
      store.delete(name);
      return true;
    },
  };
  return api;
}

const desired = (name: string, s = spec(), owner: string | null = null): DesiredSession => ({ name, placement: ["local"], spec: s, personal: false, owner });

describe("applyPlan", () => {
  it("on 412 re-reads, re-plans once and succeeds", async () => {
    // Someone else creates the same session, with another spec, between our read and our write.
    const local = fakeApi("local", (store, name) =>
      store.set(name, { name, spec: spec("local"), version: 1, spec_hash: "x", managed_by: null, tunnel_url: null, created_at: "t", updated_at: "t" }),
    );
    const worker = fakeApi("worker");
    const d = [desired("a")];
    const outcomes = await applyPlan({ actions: plan(d, [], { prune: false, identity: "team" }), desired: d, clients: { local, worker }, identity: "team", prune: false });
    expect(outcomes).toEqual([{ name: "a", result: "configured", placements: ["local"] }]);
    expect(local.store.get("a")).toMatchObject({ version: 2, managed_by: "team", spec: spec() });
  });

  it("when the other writer already wrote the same thing, reports unchanged", async () => {
    const local = fakeApi("local", (store, name) =>
      store.set(name, { name, spec: spec(), version: 1, spec_hash: "x", managed_by: "team", tunnel_url: null, created_at: "t", updated_at: "t" }),
    );
    const d = [desired("a")];
    const outcomes = await applyPlan({ actions: plan(d, [], { prune: false, identity: "team" }), desired: d, clients: { local, worker: fakeApi("worker") }, identity: "team", prune: false });
    expect(outcomes[0]!.result).toBe("unchanged");
    expect(local.writes()).toBe(0);
  });

  it("reports a failure by name and still applies the others", async () => {
    const local = fakeApi("local");
    const put = local.put.bind(local);
    local.put = async (name, body, pre) => {
      if (name === "bad") throw new RemoteError("http-400", "local server PUT /sessions/bad failed (400): nope", { status: 400 });
      return put(name, body, pre);
    };
    const d = [desired("bad"), desired("good")];
    const outcomes = await applyPlan({ actions: plan(d, [], { prune: false, identity: "team" }), desired: d, clients: { local, worker: fakeApi("worker") }, identity: "team", prune: false });
    expect(outcomes.map((o) => [o.name, o.result])).toEqual([
      ["bad", "failed"],
      ["good", "created"],
    ]);
    expect(outcomes[0]!.error).toContain("nope");
  });

  it("sends each session's owner, and writes nothing for a session that is only undeclared", async () => {
    const local = fakeApi("local");
    const d = [desired("mine", spec(), "alice"), desired("shared")];
    await applyPlan({ actions: plan(d, [], { prune: false, identity: "team", owner: "alice" }), desired: d, clients: { local, worker: fakeApi("worker") }, identity: "team", owner: "alice", prune: false });
    expect(local.store.get("mine")).toMatchObject({ managed_by: "team", owner: "alice" });
    expect(local.store.get("shared")).toMatchObject({ managed_by: "team", owner: null });
    const before = local.writes();
    const live = [...local.store.values()].map((r) => ({ name: r.name, placement: "local" as const, spec: r.spec, managed_by: r.managed_by, owner: r.owner ?? null, version: r.version, tunnel_url: null }));
    const actions = plan([d[0]!], live, { prune: false, identity: "team", owner: "alice" });
    const outcomes = await applyPlan({ actions, desired: [d[0]!], clients: { local, worker: fakeApi("worker") }, identity: "team", owner: "alice", prune: false });
    expect(outcomes.map((o) => [o.name, o.result])).toEqual([
      ["mine", "unchanged"],
      ["shared", "undeclared"],
    ]);
    expect(local.writes()).toBe(before);
    expect(local.store.has("shared")).toBe(true);
  });

  it("makes no writes for an unchanged plan", async () => {
    const local = fakeApi("local");
    const d = [desired("a")];
    await applyPlan({ actions: plan(d, [], { prune: false, identity: "team" }), desired: d, clients: { local, worker: fakeApi("worker") }, identity: "team", prune: false });
    const before = local.writes();
    const live = [...local.store.values()].map((r) => ({ name: r.name, placement: "local" as const, spec: r.spec, managed_by: r.managed_by, owner: r.owner ?? null, version: r.version, tunnel_url: null }));
    const outcomes = await applyPlan({ actions: plan(d, live, { prune: false, identity: "team" }), desired: d, clients: { local, worker: fakeApi("worker") }, identity: "team", prune: false });
    expect(outcomes[0]!.result).toBe("unchanged");
    expect(local.writes()).toBe(before);
  });
});
