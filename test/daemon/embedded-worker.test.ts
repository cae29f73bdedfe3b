// The embedded host (what the CLI runs when linkup.yaml has no worker_url): sessions written
// through the API survive a restart with the same state directory, and a missing bundle is a
// clear error rather than a Miniflare stack trace.
import { describe, expect, it } from "vitest";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedWorker } from "../../src/daemon/embedded-worker/worker-host.js";
import { specOf } from "../worker/upstream.js";

const TOKEN = "embedded-token";
const headers = { authorization: `Bearer ${TOKEN}`, "x-linkup-version": "1.0.0", "content-type": "application/json" };

describe("startEmbeddedWorker", () => {
  it("hands each line the worker prints to onLog with its level (the daemon writes them into its log)", async () => {
    const lines: string[] = [];
    const w = await startEmbeddedWorker({ port: 0, token: TOKEN, onLog: (e) => lines.push(`${e.level}: ${e.message}`) });
    try {
      // The cron handler logs one summary line with console.log.
      await w.runScheduled(Date.now());
      await expect.poll(() => lines.join("\n"), { timeout: 10_000 }).toMatch(/^(log|info): linkup cron: removed \d+ expired session\(s\)/m);
    } finally {
      await w.close();
    }
  });

  it("persists KV under <stateDir>/worker-kv across restarts", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "linkup-embedded-"));
    try {
      const first = await startEmbeddedWorker({ port: 0, stateDir, token: TOKEN });
      try {
        expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const spec = specOf([{ name: "web", route: "remote", remote: "https://web.example.net" }], { type: "preview" });
        const put = await fetch(`${first.url}/linkup/v1/sessions/kept-one`, { method: "PUT", headers, body: JSON.stringify({ spec }) });
        expect(put.status).toBe(201);
      } finally {
        await first.close();
      }
      expect(await readdir(join(stateDir, "worker-kv"))).not.toEqual([]);
      const second = await startEmbeddedWorker({ port: 0, stateDir, token: TOKEN });
      try {
        const got = await fetch(`${second.url}/linkup/v1/sessions/kept-one`, { headers });
        expect(got.status).toBe(200);
        expect(((await got.json()) as { version: number }).version).toBe(1);
      } finally {
        await second.close();
      }
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it("refuses to start without the bundle, saying how to build it", async () => {
    await expect(startEmbeddedWorker({ port: 0, token: TOKEN, bundlePath: "/nonexistent/index.js" })).rejects.toMatchObject({
      code: "worker-bundle-missing",
      hint: expect.stringContaining("npm run build"),
    });
  });
});
