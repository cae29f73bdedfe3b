import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkBody, isCheckPath, parseCheck } from "./check.js";
import { LINKUP_VERSION } from "./api.js";

describe("/linkup/check", () => {
  it("reserves exactly the path, with or without a query", () => {
    expect(isCheckPath("/linkup/check")).toBe(true);
    expect(isCheckPath("/linkup/check?x=1")).toBe(true);
    for (const p of ["/linkup/checkout", "/linkup/check/", "/linkup/check/x", "/linkup", "/", "/x/linkup/check"]) expect(isCheckPath(p), p).toBe(false);
  });

  it("round-trips through parseCheck and refuses anything else", () => {
    const body = checkBody("local-proxy", { stateId: "abc", adminPort: 8791 });
    expect(parseCheck(JSON.parse(JSON.stringify(body)))).toEqual(body);
    expect(parseCheck({ ok: true, version: "1.0.0" })).toBeUndefined();
    expect(parseCheck("OK")).toBeUndefined();
    expect(parseCheck(null)).toBeUndefined();
  });

  it("reports the package's version", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(LINKUP_VERSION).toBe(pkg.version);
    expect(checkBody("worker", { stateId: null }).version).toBe(pkg.version);
  });
});
