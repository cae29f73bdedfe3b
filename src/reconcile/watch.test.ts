import { afterEach, describe, expect, it, vi } from "vitest";
import { debounce } from "./watch.js";

describe("debounce", () => {
  afterEach(() => vi.useRealTimers());

  it("slides with each call and fires once", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = debounce(fn, 250, 2_000);
    d.call();
    vi.advanceTimersByTime(200);
    d.call();
    vi.advanceTimersByTime(200);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("fires at the cap under a steady stream of calls", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = debounce(fn, 250, 1_000);
    for (let i = 0; i < 10; i++) {
      d.call();
      vi.advanceTimersByTime(200);
    }
    expect(fn).toHaveBeenCalled();
  });
});
