import { describe, expect, it } from "vitest";
import { planInfra, type InfraResource } from "./plan.js";

const r = (kind: InfraResource["kind"], key: string, spec: Record<string, unknown> = {}, extra: Partial<InfraResource> = {}): InfraResource => ({ kind, key, spec, ...extra });

describe("planInfra", () => {
  it("creates what is missing, updates what differs, deletes what is no longer wanted, in dependency order", () => {
    const desired = [
      r("worker-route", "a.test/*", { script: "w" }),
      r("kv-namespace", "sessions", { title: "sessions" }),
      r("worker-script", "w", { version_tag: "v2" }, { dependsOn: ["kv-namespace sessions"] }),
      r("api-token", "tok", { permissions: ["DNS Write"] }),
    ];
    const actual = [
      r("api-token", "tok", { permissions: ["DNS Write"] }, { id: "t1" }),
      r("worker-script", "w", { version_tag: "v1" }),
      r("worker-route", "old.test/*", { script: "w" }, { id: "r1" }),
      r("kv-namespace", "tunnels", { title: "tunnels" }, { id: "k1" }),
    ];
    const plan = planInfra(desired, actual);
    expect(plan.map((a) => `${a.op} ${a.kind} ${a.key} ${a.changed.join(",")}`.trim())).toEqual([
      "unchanged api-token tok",
      "create kv-namespace sessions",
      "update worker-script w version_tag,new kv-namespace sessions",
      "create worker-route a.test/*",
      "delete worker-route old.test/*",
      "delete kv-namespace tunnels",
    ]);
  });

  it("compares only declared fields, key order does not matter, and equal states plan nothing", () => {
    const desired = [r("dns-record", "z/a.test", { content: "w.dev", proxied: true, nested: { b: 1, a: 2 } })];
    const actual = [r("dns-record", "z/a.test", { proxied: true, content: "w.dev", nested: { a: 2, b: 1 }, modified_on: "x" }, { id: "d" })];
    expect(planInfra(desired, actual).map((a) => a.op)).toEqual(["unchanged"]);
    expect(planInfra([], actual).map((a) => a.op)).toEqual(["delete"]);
  });
});
