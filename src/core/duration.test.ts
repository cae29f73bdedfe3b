import { describe, expect, it } from "vitest";
import { describeExpiry, effectiveTtlSeconds, expiresAt, formatDuration, isExpired, normaliseTtl, parseDuration } from "./duration.js";

describe("durations", () => {
  it("parses units and combinations", () => {
    expect(parseDuration("30m")).toBe(1800);
    expect(parseDuration("72h")).toBe(259_200);
    expect(parseDuration("7d")).toBe(604_800);
    expect(parseDuration("2w")).toBe(1_209_600);
    expect(parseDuration("1d12h")).toBe(129_600);
    expect(parseDuration(" 7D ")).toBe(604_800);
    for (const bad of ["", "7", "d", "7x", "7d-", "-7d", "7 d", "1.5h", "7d7", "1".repeat(50) + "d"]) expect(parseDuration(bad)).toBeUndefined();
  });

  it("normalises to one canonical form, with limits and `none`", () => {
    expect(normaliseTtl("168h")).toEqual({ ok: true, ttl: "1w" });
    expect(normaliseTtl("72h")).toEqual({ ok: true, ttl: "3d" });
    expect(normaliseTtl("25h")).toEqual({ ok: true, ttl: "1d1h" });
    expect(normaliseTtl("None")).toEqual({ ok: true, ttl: "none" });
    expect(normaliseTtl("0m")).toMatchObject({ ok: false, message: expect.stringContaining("shorter than the minimum") });
    expect(normaliseTtl("400d")).toMatchObject({ ok: false, message: expect.stringContaining("longer than the maximum") });
    expect(normaliseTtl("soon")).toMatchObject({ ok: false, message: expect.stringContaining("72h") });
    expect(formatDuration(90_061)).toBe("1d1h1m");
  });

  it("gives previews 7 days by default and the other types none", () => {
    expect(effectiveTtlSeconds({ type: "preview" })).toBe(604_800);
    expect(effectiveTtlSeconds({ type: "preview", ttl: "none" })).toBeNull();
    expect(effectiveTtlSeconds({ type: "tunneled" })).toBeNull();
    expect(effectiveTtlSeconds({ type: "isolated", ttl: "2h" })).toBe(7200);
    expect(expiresAt({ type: "preview" }, "2026-01-01T00:00:00.000Z")).toBe("2026-01-08T00:00:00.000Z");
    expect(expiresAt({ type: "tunneled" }, "2026-01-01T00:00:00.000Z")).toBeNull();
  });

  it("tells expired records apart with the clock it is given", () => {
    const t = Date.parse("2026-01-08T00:00:00.000Z");
    expect(isExpired({ expires_at: "2026-01-08T00:00:00.000Z" }, t - 1)).toBe(false);
    expect(isExpired({ expires_at: "2026-01-08T00:00:00.000Z" }, t)).toBe(true);
    expect(isExpired({ expires_at: null }, t)).toBe(false);
    expect(isExpired({}, t)).toBe(false);
    expect(describeExpiry("2026-01-08T00:00:00.000Z", t - (6 * 24 + 23) * 3_600_000)).toBe("in 6d 23h");
    expect(describeExpiry("2026-01-08T00:00:00.000Z", t + 3 * 3_600_000)).toBe("expired 3h 0m ago");
    expect(describeExpiry(null, t)).toBe("never");
  });
});
