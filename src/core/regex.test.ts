import { describe, expect, it } from "vitest";
import { compileRegex, parseReplacement, REGEX_CACHE_MAX_ENTRIES } from "./regex.js";
import { applyRewrites, compileRewrites } from "./rewrite.js";
import { compileSession, selectTarget } from "./route.js";
import { record, req } from "./test-fixtures.js";

function regex(source: string) {
  const c = compileRegex(source);
  if (!c.ok) throw new Error(c.message);
  return c.regex;
}

describe("route regexes run in linear time", () => {
  // With a backtracking engine this path takes longer than the test's timeout (each extra `a`
  // doubles the time: 28 of them took 2.7 s, these 60 would take centuries).
  const bomb = "/r/" + "a".repeat(60) + "!";

  it("a nested-quantifier pattern against a path that almost matches answers at once", () => {
    expect(regex("^/r/(a+)+$").test(bomb)).toBe(false);
    expect(regex("^/r/(a+)+$").test("/r/aaaa")).toBe(true);
    expect(regex("^/(\\w+\\s?)*$").test("/" + "word ".repeat(40) + "!")).toBe(false);
  }, 10_000);

  it("a route and a rewrite holding that pattern route the request without stalling", () => {
    const rec = record("bomb-test");
    rec.spec.domains[0]!.routes = [{ path: "^/r/(a+)+$", service: "api" }, ...rec.spec.domains[0]!.routes];
    rec.spec.services = rec.spec.services.map((s) => ({ ...s, rewrites: [{ source: "^/r/(a+)+$", target: "/x" }] }));
    const session = compileSession(rec, "local");
    const t = selectTarget(session, req(`https://bomb-test.example.com${bomb}`));
    expect(t.kind).toBe("routed");
    expect(t.kind === "routed" && t.service.name).toBe("frontend");
    expect(t.kind === "routed" && t.url.endsWith(bomb)).toBe(true);
    expect(applyRewrites(bomb, compileRewrites([{ source: "(a|aa)+$", target: "" }]))).toBe(bomb);
  }, 10_000);
});

describe("compileRegex: Rust syntax", () => {
  it("accepts named groups in both spellings, inline flags, \\A, \\z and POSIX classes", () => {
    expect(regex("^/x/(?P<id>\\d+)").test("/x/1")).toBe(true);
    expect(regex("^/x/(?<id>\\d+)").test("/x/1")).toBe(true);
    expect(regex("(?i)^/AUTH").test("/auth/login")).toBe(true);
    expect(regex("(?i:^/AUTH)x").test("/authx")).toBe(true);
    expect(regex("\\A/api\\z").test("/api")).toBe(true);
    expect(regex("\\A/api\\z").test("/api/")).toBe(false);
    expect(regex("^/[[:alpha:]]+$").test("/abc")).toBe(true);
    expect(regex("^\\/escaped\\/slash").test("/escaped/slash")).toBe(true);
  });

  it("is unanchored unless anchors are written", () => {
    expect(regex("/api").test("/v1/api/x")).toBe(true);
    expect(regex("^/api").test("/v1/api/x")).toBe(false);
  });

  it("translates Rust's verbose (x) and unicode (u) flags, which RE2 lacks", () => {
    const verbose = regex("(?x) ^/api   # the API\n  /v[12] ");
    expect(verbose.test("/api/v1")).toBe(true);
    expect(verbose.test("/api /v1")).toBe(false);
    expect(regex("(?u)^\\w+$").test("abc")).toBe(true);
    expect(regex("(?-u:\\w)").test("a")).toBe(true);
    expect(regex("(?x)[ ]a").test(" a")).toBe(true);
  });

  it("refuses backreferences and lookaround, naming the construct and where it starts", () => {
    const cases: [string, RegExp, number][] = [
      ["^/(a)\\1", /backreference `\\1` is not supported/, 6],
      ["^/(?<n>a)\\k<n>", /named backreference/, 10],
      ["^/api(?=/v1)", /lookahead `\(\?=…\)` is not supported/, 6],
      ["^/api(?!/v1)", /negative lookahead/, 6],
      ["(?<=/api)/v1", /lookbehind `\(\?<=…\)` is not supported/, 1],
      ["(?<!/api)/v1", /negative lookbehind/, 1],
      ["(?>a+)b", /atomic group/, 1],
      ["[a-z&&[^b]]", /set operation `&&`/, 5],
      ["[a[bc]]", /nested character classes/, 3],
    ];
    for (const [source, message, at] of cases) {
      const c = compileRegex(source);
      expect(c.ok, source).toBe(false);
      if (c.ok) continue;
      expect(c.message, source).toMatch(message);
      expect(c.message, source).toContain(`(at character ${at})`);
      expect(c.offset, source).toBe(at - 1);
    }
    // Inside a class `\1` is an escape RE2 itself refuses; its own message is passed on.
    expect(compileRegex("[\\1]").ok).toBe(false);
  });

  it("passes RE2's own syntax errors on", () => {
    const c = compileRegex("^/foo/(.*");
    expect(c.ok).toBe(false);
    expect(!c.ok && c.message).toMatch(/missing closing \)/);
  });
});

describe("replacements: Rust syntax", () => {
  const rewrite = (source: string, target: string, path: string) => regex(source).replaceAll(path, parseReplacement(target));

  it("expands $1, ${1}, $name, ${name} and $$", () => {
    expect(rewrite("^/x/(?P<id>\\d+)", "/y/$1/${1}/$id/${id}", "/x/42")).toBe("/y/42/42/42/42");
    expect(rewrite("^/price", "/$$5", "/price")).toBe("/$5");
  });

  it("expands a missing or unmatched group to nothing and keeps a lone $", () => {
    expect(rewrite("^/(a)?b", "/[$1][$2][$nope]", "/b")).toBe("/[][][]");
    expect(rewrite("^/x", "/cost$", "/x")).toBe("/cost$");
    expect(rewrite("^/x", "/${unclosed", "/x")).toBe("/${unclosed");
  });

  it("reads the longest name after $, as Rust does ($1a is the group named 1a)", () => {
    expect(rewrite("^/(x)", "/$1a", "/x")).toBe("/");
    expect(rewrite("^/(x)", "/${1}a", "/x")).toBe("/xa");
  });

  it("keeps JavaScript's special sequences literal ($& and $` mean nothing in Rust)", () => {
    expect(rewrite("^/x", "/$&", "/x")).toBe("/$&");
    expect(rewrite("^/x", "/a$`b", "/x")).toBe("/a$`b");
  });

  it("replaces every match", () => {
    expect(rewrite("a", "b", "/a/a")).toBe("/b/b");
    expect(rewrite("(a)", "[$1]", "/a/a")).toBe("/[a]/[a]");
  });
});

describe("compileRegex: compiled patterns are shared", () => {
  it("compiles a source once per process and hands the same compiled pattern to every session", () => {
    const source = `^/shared-${Math.random().toString(36).slice(2)}/(.*)$`;
    const a = compileRegex(source);
    const b = compileRegex(source);
    expect(a.ok).toBe(true);
    expect(b).toBe(a);
    // A refused pattern is remembered too, with its message.
    const bad = `(a)\\1-${Math.random()}`;
    expect(compileRegex(bad)).toBe(compileRegex(bad));
    expect(compileRegex(bad).ok).toBe(false);
  });

  it("keeps at most REGEX_CACHE_MAX_ENTRIES sources, the oldest leaving first", () => {
    const first = `^/first-${Math.random()}$`;
    const kept = compileRegex(first);
    for (let i = 0; i < REGEX_CACHE_MAX_ENTRIES; i++) compileRegex(`^/filler-${i}-${Math.random()}$`);
    // Pushed out: compiled again, so a different (equal) object.
    const again = compileRegex(first);
    expect(again).not.toBe(kept);
    expect(again.ok && again.regex.test(first.slice(1, -1))).toBe(true);
  });
});
