import { describe, expect, it } from "vitest";
import type { SessionSpec } from "../core/session.js";
import type { Action } from "./plan.js";
import { describeItem, overview } from "./change-overview.js";
import { diffJson, renderDiff } from "./render-diff.js";

const spec = (route = "remote"): SessionSpec => ({
  type: "tunneled",
  services: [{ name: "web", route, local: "http://127.0.0.1:3000", remote: "https://web.example.com", rewrites: [] }],
  domains: [{ domain: "example.com", default_service: "web", routes: [] }],
  cache_routes: [],
});

const update = (placement: "local" | "worker"): Action => ({
  kind: "update",
  name: "a",
  placement,
  from: spec(),
  spec: spec("local"),
  version: 2,
  changes: [{ path: "services[web].route", from: "remote", to: "local" }],
});

describe("renderDiff", () => {
  it("prints one unified YAML diff per session and a summary", () => {
    const out = renderDiff([update("local"), update("worker"), { kind: "create", name: "b", placement: "worker", spec: spec() }]);
    expect(out).toContain("diff session/a (local, worker): will be changed");
    expect(out).toContain("--- live/session/a");
    expect(out).toContain("+++ desired/session/a");
    expect(out).toContain("-    route: remote\n+    route: local");
    expect(out).toContain("--- /dev/null\n+++ desired/session/b");
    expect(out.split("\n").at(-1)).toBe("1 to create, 1 to change, 0 to delete");
  });

  it("colours only when given colours", () => {
    const tag = (t: string) => (s: string) => `<${t}>${s}</${t}>`;
    const out = renderDiff([update("local")], { red: tag("r"), green: tag("g"), cyan: tag("c"), bold: tag("b") });
    expect(out).toContain("<r>-    route: remote</r>");
    expect(out).toContain("<g>+    route: local</g>");
    expect(renderDiff([update("local")])).not.toContain("<");
  });

  it("lists managed sessions the config no longer declares, and counts them", () => {
    const out = renderDiff([
      { kind: "undeclared", name: "pr-9", placement: "worker", from: spec() },
      { kind: "unchanged", name: "a", placement: "local" },
    ]);
    expect(out).toBe("diff session/pr-9 (worker): not declared (delete with --prune)\n0 to create, 0 to change, 0 to delete, 1 not declared (delete with --prune)");
    const j = diffJson([{ kind: "undeclared", name: "pr-9", placement: "local", from: spec() }, { kind: "undeclared", name: "pr-9", placement: "worker", from: spec() }]);
    expect(j).toMatchObject({ changed: true, summary: { undeclared: 1 }, sessions: [{ name: "pr-9", kind: "undeclared", placements: ["local", "worker"], patch: "" }] });
  });

  it("names the fields of a change that leaves the spec alone (ownership)", () => {
    const out = renderDiff([{ kind: "update", name: "a", placement: "worker", from: spec(), spec: spec(), version: 1, changes: [{ path: "owner", from: null, to: "alice-1" }] }]);
    expect(out).toContain('~ owner: null -> "alice-1"');
  });

  it("says so when nothing changes", () => {
    expect(renderDiff([{ kind: "unchanged", name: "a", placement: "local" }])).toBe("0 to create, 0 to change, 0 to delete");
  });
});

describe("diffJson", () => {
  it("is stable and machine-readable", () => {
    const j = diffJson([update("local"), { kind: "unchanged", name: "z", placement: "worker" }]);
    expect(j).toMatchObject({
      changed: true,
      summary: { create: 0, change: 1, delete: 0, unchanged: 1, undeclared: 0 },
      sessions: [{ name: "a", kind: "update", placements: ["local"], changes: [{ path: "services[web].route", from: "remote", to: "local" }] }],
      unchanged: ["z"],
    });
    expect(typeof j.sessions[0]!.patch).toBe("string");
  });
});

describe("the change in words", () => {
  it("names undeclared sessions and changes of owner", () => {
    expect(overview([{ kind: "undeclared", name: "pr-9", placement: "worker", from: spec() }]).map((i) => describeItem(i))).toEqual([
      "session pr-9 not declared any more (tunneled; kept until `apply --prune`)",
    ]);
    const owned: Action = { kind: "update", name: "a", placement: "worker", from: spec(), spec: spec(), version: 1, changes: [{ path: "owner", from: null, to: "alice-1" }] };
    expect(overview([owned]).map((i) => describeItem(i))).toEqual(["session a: shared → personal session of alice-1"]);
  });
});
