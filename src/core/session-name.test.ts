import { describe, expect, it } from "vitest";
import { ADJECTIVES, ANIMALS, NAME_SPACE, generateSessionName, isDnsLabel, randomSessionName } from "./session-name.js";

describe("session names", () => {
  it("has at least 10,000 distinct adjective-animal combinations", () => {
    expect(new Set(ADJECTIVES).size * new Set(ANIMALS).size).toBe(NAME_SPACE);
    expect(NAME_SPACE).toBeGreaterThanOrEqual(10_000);
  });
  it("generates DNS-label names shaped adjective-animal", () => {
    for (let i = 0; i < 200; i++) {
      const n = randomSessionName();
      expect(isDnsLabel(n)).toBe(true);
      expect(n).toMatch(/^[a-z]+-[a-z]+$/);
    }
  });
  it("retries on collision", async () => {
    const seq = [0, 0, 0, 0, 1, 1];
    let i = 0;
    const random = () => seq[i++ % seq.length]!;
    const taken = new Set([`${ADJECTIVES[0]}-${ANIMALS[0]}`]);
    const name = await generateSessionName((n) => taken.has(n), random);
    expect(name).toBe(`${ADJECTIVES[1]}-${ANIMALS[1]}`);
  });
  it("terminates with a suffix when every random try collides", async () => {
    const name = await generateSessionName((n) => !/-\d+$/.test(n), () => 0, 5);
    expect(name).toBe(`${ADJECTIVES[0]}-${ANIMALS[0]}-2`);
  });
  it("validates DNS labels", () => {
    for (const ok of ["a", "slim-gecko", "a1", "x".repeat(63)]) expect(isDnsLabel(ok)).toBe(true);
    for (const bad of ["", "-a", "a-", "A", "a_b", "a.b", "x".repeat(64)]) expect(isDnsLabel(bad)).toBe(false);
  });
});
