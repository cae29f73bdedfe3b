import { describe, expect, it } from "vitest";
import { parseSince, selectLines } from "./logs.js";

const lines = [
  "=== 2026-01-02T10:00:00.000Z starting local-server: /x/dist/daemon/main.js ===",
  "2026-01-02T10:00:01.000Z linkup local server started: pid=1",
  "2026-01-02T10:05:00.000Z worker log: linkup cron: removed 0 tunnel(s)",
  "    at a continuation line",
  "2026-01-02T10:10:00.000Z received SIGTERM, closing",
];

describe("linkup logs", () => {
  it("--since keeps stamped lines from that time and the unstamped lines that follow them", () => {
    expect(selectLines(lines, { since: new Date("2026-01-02T10:04:00Z") })).toEqual(lines.slice(2));
    expect(selectLines(lines, { since: new Date("2026-01-02T10:06:00Z") })).toEqual([lines[4]]);
    expect(selectLines(lines, {})).toEqual(lines);
    expect(selectLines(lines, { tail: 2 })).toEqual(lines.slice(3));
  });

  it("reads durations and times, and refuses anything else", () => {
    const now = new Date("2026-01-02T10:10:00Z");
    expect(parseSince("5m", now).toISOString()).toBe("2026-01-02T10:05:00.000Z");
    expect(parseSince("2h", now).toISOString()).toBe("2026-01-02T08:10:00.000Z");
    expect(parseSince("2026-01-02T09:00:00Z", now).toISOString()).toBe("2026-01-02T09:00:00.000Z");
    expect(() => parseSince("yesterday", now)).toThrow(/--since must be/);
  });
});
