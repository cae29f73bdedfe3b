import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OWNER_FILE, resolveOwner } from "./owner.js";
import { personalKey } from "./personal-session.js";

describe("owner id", () => {
  it("is generated once per state directory, kept 0600, and differs between state directories", () => {
    const a = mkdtempSync(join(tmpdir(), "linkup-owner-"));
    const b = mkdtempSync(join(tmpdir(), "linkup-owner-"));
    const first = resolveOwner(a, undefined);
    expect(first.source).toBe("state");
    expect(first.id).toMatch(/^[a-z0-9-]+-[0-9a-f]{8}$/);
    expect(resolveOwner(a, undefined).id).toBe(first.id);
    expect(readFileSync(join(a, OWNER_FILE), "utf8")).toBe(first.id + "\n");
    expect(statSync(join(a, OWNER_FILE)).mode & 0o777).toBe(0o600);
    expect(resolveOwner(b, undefined).id).not.toBe(first.id);
  });

  it("LINKUP_OWNER and then --owner override the stored id, and are checked", () => {
    const dir = mkdtempSync(join(tmpdir(), "linkup-owner-"));
    expect(resolveOwner(dir, "ci-bot")).toEqual({ id: "ci-bot", source: "env" });
    expect(resolveOwner(dir, "ci-bot", "release@ci")).toEqual({ id: "release@ci", source: "flag" });
    expect(() => resolveOwner(dir, "two words")).toThrow(/LINKUP_OWNER: owner "two words" is not a valid owner id/);
    expect(() => resolveOwner(dir, undefined, "-x")).toThrow(/--owner/);
  });

  it("a hand-edited owner file that is not an id is an error, not a silent new identity", () => {
    const dir = mkdtempSync(join(tmpdir(), "linkup-owner-"));
    writeFileSync(join(dir, OWNER_FILE), "not an id\n");
    expect(() => resolveOwner(dir, undefined)).toThrow(/owner-id: owner "not an id"/);
  });

  it("a personal session name is remembered per config, and per owner when the owner is overridden", () => {
    expect(personalKey("shop", { id: "alice-1", source: "state" })).toBe("shop");
    expect(personalKey("shop", { id: "ci", source: "env" })).toBe("shop@ci");
  });
});
