// Sessions live in the state directory: a restarted server routes every session it had, and a
// running server follows writes another process makes to the sessions file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer } from "../../src/daemon/server.js";
import { fileStore } from "../../src/store/file-store.js";
import { TEST_TOKEN, putSession, sessionRecord, spec, startUpstream, viaProxy, type Upstream } from "./proxy-fixtures.js";

let dir: string;
let one: Upstream;
let two: Upstream;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-restart-"));
  one = await startUpstream("one");
  two = await startUpstream("two");
});

afterAll(async () => {
  await Promise.all([one.close(), two.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = AbortSignal.timeout(10_000);
  while (!(await check())) {
    if (deadline.aborted) throw new Error("condition not met within 10 s");
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("restart", () => {
  it("restores every session from the state directory", async () => {
    const first = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
    try {
      await putSession(first.adminUrl, "one", spec(one.url));
      await putSession(first.adminUrl, "two", spec(two.url));
    } finally {
      await first.close();
    }
    const second = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
    try {
      expect((await viaProxy(second.proxyUrl, "one", "/a")).body).toBe("one /a");
      expect((await viaProxy(second.proxyUrl, "two", "/b")).body).toBe("two /b");
    } finally {
      await second.close();
    }
  });

  it("follows sessions another process writes to the file while running", async () => {
    const server = await startLocalServer({ stateDir: dir, port: 0, adminPort: 0, adminToken: TEST_TOKEN });
    try {
      const outside = fileStore(dir);
      await outside.put(sessionRecord("three", { spec: spec(two.url), version: 1, updated_at: new Date().toISOString() }));
      await until(async () => (await viaProxy(server.proxyUrl, "three", "/c")).body === "two /c");
      // A change of version recompiles: now the session points at the other upstream.
      await outside.put(sessionRecord("three", { spec: spec(one.url), version: 2, updated_at: new Date().toISOString() }));
      await until(async () => (await viaProxy(server.proxyUrl, "three", "/c")).body === "one /c");
      await outside.delete("three");
      await until(async () => (await viaProxy(server.proxyUrl, "three", "/c")).status === 404 || (await viaProxy(server.proxyUrl, "three", "/c")).status === 422);
    } finally {
      await server.close();
    }
  });
});
