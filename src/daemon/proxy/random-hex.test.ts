import { describe, expect, it } from "vitest";
import { pooledRandomHex } from "./random-hex.js";

describe("pooledRandomHex", () => {
  it("gives exactly the characters asked for, lowercase hex, odd counts included", () => {
    for (const n of [1, 15, 16, 32, 33]) expect(pooledRandomHex(n)).toMatch(new RegExp(`^[0-9a-f]{${n}}$`));
  });

  it("never hands out the same characters twice, across many pool refills", () => {
    const seen = new Set<string>();
    // 48 characters per traceparent; 8192 per pool: this crosses about 60 refills.
    for (let i = 0; i < 10_000; i++) seen.add(pooledRandomHex(48));
    expect(seen.size).toBe(10_000);
  });

  it("serves a request larger than the pool", () => {
    expect(pooledRandomHex(20_000)).toMatch(/^[0-9a-f]{20000}$/);
  });
});
