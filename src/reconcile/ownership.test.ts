import { describe, expect, it } from "vitest";
import { declaredVsManaged, mayPrune, ownerConflicts } from "./ownership.js";

const s = (name: string, managed_by: string | null, owner: string | null = null) => ({ name, managed_by, owner });

describe("ownership", () => {
  it("prune may delete shared sessions of this config and this person's own, nothing else", () => {
    const me = { identity: "shop", owner: "alice" };
    expect(mayPrune(s("a", "shop"), me)).toBe(true);
    expect(mayPrune(s("a", "shop", "alice"), me)).toBe(true);
    expect(mayPrune(s("a", "shop", "bob"), me)).toBe(false);
    expect(mayPrune(s("a", "other"), me)).toBe(false);
    expect(mayPrune(s("a", null), me)).toBe(false);
    expect(mayPrune(s("a", "shop"), { identity: null, owner: "alice" })).toBe(false);
  });

  it("splits managed sessions into undeclared ones and teammates' personal ones", () => {
    const live = [s("pr-1", "shop"), s("demo", "shop"), s("mine-old", "shop", "alice"), s("bobs", "shop", "bob"), s("x", "other")];
    const r = declaredVsManaged(["demo"], live, { identity: "shop", owner: "alice" });
    expect(r.undeclared.map((x) => x.name)).toEqual(["pr-1", "mine-old"]);
    expect(r.othersPersonal.map((x) => x.name)).toEqual(["bobs"]);
  });

  it("finds declared sessions whose live copy is someone else's personal session", () => {
    const live = [s("slim-gecko", "shop", "bob"), s("pr-1", "shop"), s("mine", "shop", "alice")];
    expect(
      ownerConflicts(
        [
          { name: "slim-gecko", owner: "alice" },
          { name: "pr-1", owner: null },
          { name: "mine", owner: "alice" },
        ],
        live,
      ),
    ).toEqual([{ name: "slim-gecko", owner: "bob", wanted: "alice" }]);
    expect(ownerConflicts([{ name: "slim-gecko", owner: null }], live)).toEqual([{ name: "slim-gecko", owner: "bob", wanted: null }]);
  });
});
