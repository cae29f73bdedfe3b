import { describe, expect, it } from "vitest";
import {
  ADJECTIVES,
  ANIMALS,
  NAME_SPACE,
  SUFFIX_ALPHABET,
  SUFFIX_LENGTH,
  cryptoRandomInt,
  generateSessionName,
  isDnsLabel,
  randomSessionName,
} from "./session-name.js";

describe("session names", () => {
  it("come from a space of at least 2^40 names, computed from the word lists and the suffix alphabet", () => {
    // Distinct, dash-free words: every (adjective, animal, suffix) triple is a different name.
    for (const list of [ADJECTIVES, ANIMALS]) {
      expect(new Set(list).size).toBe(list.length);
      for (const w of list) expect(w).toMatch(/^[a-z]+$/);
    }
    expect(new Set(SUFFIX_ALPHABET).size).toBe(SUFFIX_ALPHABET.length);
    const bits = Math.log2(new Set(ADJECTIVES).size) + Math.log2(new Set(ANIMALS).size) + SUFFIX_LENGTH * Math.log2(new Set(SUFFIX_ALPHABET).size);
    expect(bits).toBeGreaterThanOrEqual(40);
    expect(Math.log2(NAME_SPACE)).toBeCloseTo(bits, 6);
  });

  it("generates readable DNS-label names shaped adjective-animal-suffix that fit a tunnel name", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const n = randomSessionName();
      expect(isDnsLabel(n)).toBe(true);
      expect(isDnsLabel(`linkup-tunnel-${n}`)).toBe(true);
      const [adjective, animal, suffix] = n.split("-");
      expect(ADJECTIVES).toContain(adjective);
      expect(ANIMALS).toContain(animal);
      expect(suffix).toHaveLength(SUFFIX_LENGTH);
      for (const c of suffix!) expect(SUFFIX_ALPHABET).toContain(c);
      seen.add(n);
    }
    // 500 draws from 2^43 names: a repeat would mean the randomness is broken.
    expect(seen.size).toBe(500);
  });

  it("uses every suffix letter (uniform draws, no letter left out)", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const c of randomSessionName().split("-")[2]!) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(SUFFIX_ALPHABET.length);
  });

  it("draws uniform integers in range", () => {
    for (const n of [1, 3, 96, 120, 32]) for (let i = 0; i < 200; i++) {
      const v = cryptoRandomInt(n);
      expect(Number.isInteger(v) && v >= 0 && v < n).toBe(true);
    }
  });

  it("retries on collision", async () => {
    const taken = new Set([randomSessionName(() => 0)]);
    let call = 0;
    // The first name draws 8 zeros (6 suffix letters, adjective, animal); the second draws ones.
    const name = await generateSessionName((n) => taken.has(n), () => (call++ < 8 ? 0 : 1));
    expect(name).toBe(randomSessionName(() => 1));
  });

  it("terminates with a numeric suffix when every random try collides", async () => {
    const base = randomSessionName(() => 0);
    const name = await generateSessionName((n) => n === base, () => 0, 5);
    expect(name).toBe(`${base}-2`);
  });

  it("validates DNS labels (chosen names are checked, never rewritten)", () => {
    for (const ok of ["a", "slim-gecko", "a1", "x".repeat(63)]) expect(isDnsLabel(ok)).toBe(true);
    for (const bad of ["", "-a", "a-", "A", "a_b", "a.b", "x".repeat(64)]) expect(isDnsLabel(bad)).toBe(false);
  });
});
