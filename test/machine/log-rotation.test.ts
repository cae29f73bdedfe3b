// local-server.log is capped: rotated before a start (rename) and while the server runs
// (copy + truncate in place, through the very descriptor the server writes to).
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rotateLogFile, rotateOpenLog } from "../../src/machine/log-rotation.js";
import { parseSettings } from "../../src/core/settings.js";
import { startDaemon, stopDaemon } from "../../src/machine/daemon.js";
import { readAdminToken } from "../../src/machine/admin-token.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "linkup-logs-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("log rotation", () => {
  it("reads the cap from LINKUP_LOG_MAX_BYTES, 5 MiB by default, refusing a value below 1 KiB", () => {
    expect(parseSettings({}).logMaxBytes).toBe(5 * 1024 * 1024);
    expect(parseSettings({ LINKUP_LOG_MAX_BYTES: "4096" }).logMaxBytes).toBe(4096);
    expect(() => parseSettings({ LINKUP_LOG_MAX_BYTES: "12" })).toThrow(/LINKUP_LOG_MAX_BYTES must be a number of bytes, at least 1024/);
  });

  it("renames an oversized log before a start and leaves a small one alone", () => {
    const log = join(dir, "local-server.log");
    writeFileSync(log, "x".repeat(100));
    expect(rotateLogFile(log, 1024)).toBe(false);
    writeFileSync(log, "old ".repeat(1000));
    expect(rotateLogFile(log, 1024)).toBe(true);
    expect(existsSync(log)).toBe(false);
    expect(readFileSync(`${log}.1`, "utf8")).toBe("old ".repeat(1000));
  });

  it("copies and truncates the open log in place; later writes land at the start of the file", () => {
    const log = join(dir, "local-server.log");
    const fd = openSync(log, "a");
    try {
      writeSync(fd, "line\n".repeat(1000));
      expect(rotateOpenLog(fd, log, 1024)).toBe(true);
      writeSync(fd, "after\n");
      const now = readFileSync(log, "utf8");
      expect(now).toMatch(/^\S+ log rotated: earlier lines are in .*local-server\.log\.1\nafter\n$/);
      expect(readFileSync(`${log}.1`, "utf8")).toBe("line\n".repeat(1000));
      expect(rotateOpenLog(fd, log, 1024)).toBe(false);
    } finally {
      closeSync(fd);
    }
  });

  it("does nothing when the descriptor is not the log file", () => {
    const log = join(dir, "local-server.log");
    writeFileSync(log, "x".repeat(5000));
    const other = openSync(join(dir, "other.log"), "a");
    try {
      writeSync(other, "y".repeat(5000));
      expect(rotateOpenLog(other, log, 1024)).toBe(false);
      expect(statSync(log).size).toBe(5000);
    } finally {
      closeSync(other);
    }
  });

  it("startDaemon rotates an oversized log before it starts the process", async () => {
    const log = join(dir, "local-server.log");
    writeFileSync(log, "from an earlier server\n".repeat(500));
    const entry = resolve(import.meta.dirname, "fixtures/daemon-entry.mjs");
    const r = await startDaemon({ stateDir: dir, entry, maxLogBytes: 2048 });
    try {
      expect(readFileSync(`${log}.1`, "utf8")).toContain("from an earlier server");
      expect(statSync(log).size).toBeLessThan(2048);
    } finally {
      await stopDaemon({ stateDir: dir, timeoutMs: 2000 });
      expect(r.pid).toBeGreaterThan(0);
    }
  });

  it("the running local server caps its own log (checked at start and as it logs)", async () => {
    const log = join(dir, "local-server.log");
    writeFileSync(log, "from an earlier run\n".repeat(1000));
    const fd = openSync(log, "a");
    const root = join(import.meta.dirname, "../..");
    const child = spawn(process.execPath, ["--import", "tsx", "src/daemon/main.ts", "--port", "0", "--admin-port", "0"], {
      cwd: root,
      env: { ...process.env, LINKUP_HOME: dir, LINKUP_LOCAL_DNS: "0", LINKUP_EMBEDDED_WORKER: "", LINKUP_LOG_MAX_BYTES: "4096" },
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    try {
      const deadline = Date.now() + 20_000;
      while (!readFileSync(log, "utf8").includes("linkup local server started")) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start:\n${readFileSync(log, "utf8")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(readFileSync(`${log}.1`, "utf8")).toContain("from an earlier run");
      expect(statSync(log).size).toBeLessThan(4096);
      expect(readFileSync(log, "utf8")).toContain("log rotated");
    } finally {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  }, 30_000);

  it("keeps capping the log while the server runs and logs", async () => {
    const log = join(dir, "local-server.log");
    const fd = openSync(log, "a");
    const root = join(import.meta.dirname, "../..");
    const child = spawn(process.execPath, ["--import", "tsx", "src/daemon/main.ts", "--port", "0", "--admin-port", "0"], {
      cwd: root,
      env: { ...process.env, LINKUP_HOME: dir, LINKUP_LOCAL_DNS: "0", LINKUP_EMBEDDED_WORKER: "", LINKUP_LOG_MAX_BYTES: "4096", LINKUP_DEBUG: "1" },
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    try {
      const deadline = Date.now() + 20_000;
      let started: RegExpExecArray | null = null;
      while (!(started = /proxy=(\S+) admin=(\S+)/.exec(readFileSync(log, "utf8")))) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start:\n${readFileSync(log, "utf8")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const [, proxy, admin] = started;
      const headers = { authorization: `Bearer ${readAdminToken(dir)}`, "x-linkup-version": "1.0.0", "content-type": "application/json" };
      const spec = {
        type: "isolated",
        services: [{ name: "web", route: "local", local: "http://127.0.0.1:9", rewrites: [] }],
        domains: [{ domain: "example.test", default_service: "web", routes: [] }],
        cache_routes: [],
      };
      const put = await fetch(`${admin}/linkup/v1/sessions/noisy`, { method: "PUT", headers, body: JSON.stringify({ spec }) });
      expect(put.status).toBe(201);
      // Each request to the dead upstream logs a debug line: many times the cap in all.
      const { request } = await import("node:http");
      for (let i = 0; i < 150; i++)
        await new Promise<void>((ok) =>
          request(`${proxy}/x${i}`, { headers: { host: "noisy.example.test" }, agent: false }, (res) => res.resume().on("end", ok)).end(),
        );
      expect(readFileSync(`${log}.1`, "utf8")).toContain("upstream error for web");
      // At most the cap plus what is logged between two checks (a quarter of the cap).
      expect(statSync(log).size).toBeLessThanOrEqual(4096 + 1024 + 512);
    } finally {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  }, 30_000);
});
