import { describe, expect, it } from "vitest";
import { applyRewrites, compileRewrites } from "./rewrite.js";
import { compileRegex } from "./regex.js";

describe("rewrites", () => {
  it("applies $1 backreferences", () => {
    expect(applyRewrites("/foo/bar/baz", compileRewrites([{ source: "^/foo/(.*)", target: "/bar/$1" }]))).toBe("/bar/bar/baz");
  });
  it("applies rules in order, each to the previous result", () => {
    const r = compileRewrites([
      { source: "^/api/v1/(.*)", target: "/v2/$1" },
      { source: "^/v2/users", target: "/people" },
    ]);
    expect(applyRewrites("/api/v1/users/7", r)).toBe("/people/7");
  });
  it("replaces every match and is repeatable (global regex state is reset)", () => {
    const r = compileRewrites([{ source: "a", target: "b" }]);
    expect(applyRewrites("/a/a", r)).toBe("/b/b");
    expect(applyRewrites("/a/a", r)).toBe("/b/b");
  });
  it("accepts Rust syntax from Mentimeter configs: ${1}, (?P<name>) and (?i)", () => {
    expect(applyRewrites("/x/42", compileRewrites([{ source: "^/x/(?P<id>\\d+)", target: "/y/${id}/${1}" }]))).toBe("/y/42/42");
    const ci = compileRegex("(?i)^/AUTH");
    expect(ci.ok && ci.regex.test("/auth")).toBe(true);
  });
  it("leaves paths that do not match alone", () => {
    expect(applyRewrites("/other", compileRewrites([{ source: "^/foo", target: "/bar" }]))).toBe("/other");
  });
});
