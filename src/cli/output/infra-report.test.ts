import { describe, expect, it } from "vitest";
import type { InfraAction } from "../../infra/plan.js";
import { deployResultLines, destroyResultLines, infraEventLines, planLines } from "./infra-report.js";

const action = (op: InfraAction["op"], kind: InfraAction["kind"], key: string, changed: string[] = []): InfraAction => ({ op, kind, key, changed });

describe("infra report", () => {
  it("prints one line per action with its sign, the changed fields of updates, and a summary", () => {
    expect(planLines([action("unchanged", "api-token", "tok"), action("create", "kv-namespace", "s"), action("update", "worker-script", "w", ["version_tag"]), action("delete", "worker-route", "old/*")])).toEqual([
      "  = unchanged api-token tok",
      "  + create    kv-namespace s",
      "  ~ update    worker-script w (version_tag)",
      "  - delete    worker-route old/*",
      "1 to create, 1 to update, 1 to delete, 1 unchanged.",
    ]);
  });

  it("heads the plan with the deployment and names the tunnel zone; applied actions read as done", () => {
    const target = { script: "linkup-worker-a", accountId: "acct", zones: ["a.test", "b.test"] };
    expect(infraEventLines({ type: "plan", operation: "deploy", target, actions: [] })[0]).toBe(
      "Linkup deployment linkup-worker-a on account acct; zones: a.test (tunnel zone), b.test",
    );
    expect(infraEventLines({ type: "plan", operation: "destroy", target, actions: [] })[0]).toBe("Removing Linkup deployment linkup-worker-a from account acct");
    expect(infraEventLines({ type: "applied", action: action("create", "dns-record", "a.test") })).toEqual(["  done: create dns-record a.test"]);
  });

  it("closes with one line per outcome, the worker token only when it was created", () => {
    const base = { actions: [], script: "w", zones: ["a.test", "b.test"], workerUrl: "https://w.team.workers.dev" };
    expect(deployResultLines({ ...base, outcome: "dry-run", applied: false })).toEqual(["Dry run: nothing was changed."]);
    expect(deployResultLines({ ...base, outcome: "cancelled", applied: false })).toEqual(["Cancelled: nothing was changed."]);
    expect(deployResultLines({ ...base, outcome: "no-change", applied: true })).toEqual(["Nothing to do; the worker is at https://w.team.workers.dev."]);
    expect(deployResultLines({ ...base, outcome: "applied", applied: true, workerToken: "tok-123" })).toEqual([
      "Deployed w: https://w.team.workers.dev (and routes on a.test, b.test).",
      "New worker token (shown only now; put it in your linkup config as the worker token): tok-123",
    ]);
    expect(deployResultLines({ ...base, outcome: "applied", applied: true })[1]).toBe("Worker token unchanged (kept from the previous deploy).");
    expect(destroyResultLines({ outcome: "no-change", actions: [], applied: true })).toEqual(["Nothing to remove."]);
    expect(destroyResultLines({ outcome: "applied", actions: [], applied: true })).toEqual(["Removed."]);
  });
});
