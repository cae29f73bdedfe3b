import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_VERSION, checkAnswer, isDryRunRequest, LINKUP_VERSION, supportsDryRun } from "./api.js";

describe("API version facts", () => {
  it("LINKUP_VERSION is package.json's version (the worker and the local server report it)", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(LINKUP_VERSION).toBe(pkg.version);
    expect(checkAnswer()).toEqual({ ok: true, version: API_VERSION, linkup_version: pkg.version });
  });

  it("a dry run is asked with ?dry_run=1 (or true), and only servers from API 1.1 are sent one", () => {
    expect(isDryRunRequest("/linkup/v1/sessions/a?dry_run=1")).toBe(true);
    expect(isDryRunRequest("http://w/linkup/v1/sessions/a?x=1&dry_run=true")).toBe(true);
    expect(isDryRunRequest("/linkup/v1/sessions/a?dry_run=0")).toBe(false);
    expect(isDryRunRequest("/linkup/v1/sessions/a")).toBe(false);
    expect(supportsDryRun("1.1.0")).toBe(true);
    expect(supportsDryRun("1.4.2-beta.1")).toBe(true);
    expect(supportsDryRun("1.0.0")).toBe(false);
    expect(supportsDryRun("2.3.0")).toBe(false);
    expect(supportsDryRun(undefined)).toBe(false);
  });
});
