import pc from "picocolors";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../io.js";
import { clock, describeChange, printWatchEvent } from "./watch-report.js";

function io(): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (t) => out_.push(t), err: (t) => err_.push(t), env: {}, cwd: "/", isTTY: false, color: pc.createColors(false) };
}

const at = new Date(2026, 0, 2, 12, 4, 31).toISOString();

describe("watch lines", () => {
  it("say what changed in a few words", () => {
    expect(describeChange({ path: "services[web].route", from: "remote", to: "local" })).toBe("web remote → local");
    expect(describeChange({ path: "services[cache]", from: undefined, to: { name: "cache" } })).toBe("+cache");
    expect(describeChange({ path: "managed_by", from: null, to: "team" })).toBe("managed_by none → team");
    expect(describeChange({ path: "domains[x.com].routes", from: [], to: [{ path: "/", service: "web" }] })).toBe("domains[x.com].routes changed");
  });

  it("start with the local time and name the session and its change", () => {
    expect(clock(at)).toBe("12:04:31");
    const o = io();
    printWatchEvent(
      {
        type: "applied",
        at,
        trigger: ["config"],
        first: false,
        started: false,
        outcomes: [
          { name: "lime-panda", result: "configured", placements: ["local", "worker"] },
          { name: "w2", result: "created", placements: ["worker"] },
          { name: "same", result: "unchanged", placements: ["worker"] },
        ],
        changes: [{ name: "lime-panda", kind: "update", placements: ["local", "worker"], changes: [{ path: "services[web].route", from: "remote", to: "local" }] }],
        urls: [{ name: "w2", urls: ["https://w2.example.com"] }],
      },
      o,
      false,
      () => "",
    );
    expect(o.out_).toEqual(["12:04:31 session/lime-panda configured: web remote → local", "12:04:31 session/w2 created", "12:04:31   w2: https://w2.example.com"]);
  });

  it("report drift, a dead server and a config that is valid again", () => {
    const o = io();
    printWatchEvent(
      { type: "drift", at, sessions: [{ name: "s", kind: "update", placements: ["local"], changes: [{ path: "services[web].route", from: "local", to: "remote" }] }] },
      o,
      false,
      () => "",
    );
    printWatchEvent({ type: "server-down", at, side: "local", reason: "connection refused", restarting: true }, o, false, () => "");
    printWatchEvent({ type: "applied", at, trigger: ["server"], first: false, started: true, outcomes: [], changes: [], urls: [] }, o, false, () => "");
    printWatchEvent({ type: "valid-again", at }, o, false, () => "");
    expect(o.out_[0]).toBe("12:04:31 drift: session/s changed on local (web is local, the config says remote); re-applying");
    expect(o.err_[0]).toBe("12:04:31 local server stopped answering (connection refused); restarting it");
    expect(o.out_[1]).toBe("12:04:31 started the local server");
    expect(o.out_).toContain("12:04:31 config valid again");
  });
});
