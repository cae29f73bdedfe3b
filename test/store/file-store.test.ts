// The file session store on a real disk: round trips, atomic replacement, the update helper, and
// two processes writing at once without losing a write.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { sessionStoreContract } from "../../src/store/contract.js";
import { fileStore } from "../../src/store/file-store.js";
import { sessionRecord } from "../daemon/proxy-fixtures.js";

const run = promisify(execFile);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "linkup-file-store-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// The shared SessionStore suite, each case on a fresh directory (so the file store cannot drift
// from the KV store the worker uses).
const contractDirs: string[] = [];
afterAll(() => {
  for (const d of contractDirs) rmSync(d, { recursive: true, force: true });
});
sessionStoreContract("file", () => {
  const d = mkdtempSync(join(tmpdir(), "linkup-file-contract-"));
  contractDirs.push(d);
  return fileStore(d);
}, { atomicUpdate: true });

describe("fileStore", () => {
  it("starts empty when no file exists", async () => {
    const store = fileStore(join(dir, "not-yet"));
    expect(await store.list()).toEqual([]);
    expect(store.listSync()).toEqual([]);
    expect(await store.get("a")).toBeUndefined();
  });

  it("round-trips, lists sorted, deletes, and survives a new instance", async () => {
    const store = fileStore(dir);
    await store.put(sessionRecord("beta"));
    await store.put(sessionRecord("alpha", { version: 3 }));
    expect((await store.list()).map((r) => r.name)).toEqual(["alpha", "beta"]);
    expect(await fileStore(dir).get("alpha")).toEqual(sessionRecord("alpha", { version: 3 }));
    await store.delete("beta");
    await store.delete("never-existed");
    expect(fileStore(dir).listSync().map((r) => r.name)).toEqual(["alpha"]);
  });

  it("writes the file with mode 0600 and leaves no temp or lock files behind", async () => {
    const store = fileStore(dir);
    await store.put(sessionRecord("alpha"));
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["sessions.json"]);
  });

  it("update sees the current record and can write, delete or leave it", async () => {
    const store = fileStore(dir);
    const first = await store.update("a", (cur) => ({ next: sessionRecord("a"), result: cur }));
    expect(first).toBeUndefined();
    const seen = await store.update("a", (cur) => ({ next: undefined, result: cur?.version }));
    expect(seen).toBe(1);
    await store.update("a", () => ({ next: null, result: undefined }));
    expect(await store.get("a")).toBeUndefined();
  });

  it("reports a corrupt file with its path instead of treating it as empty", async () => {
    writeFileSync(join(dir, "sessions.json"), "{ not json");
    await expect(fileStore(dir).list()).rejects.toThrow(/sessions\.json is not valid JSON/);
  });

  it("two processes writing at once lose nothing", async () => {
    const writer = join(import.meta.dirname, "file-store-writer.ts");
    const count = 15;
    const spawn = (prefix: string) =>
      run(process.execPath, ["--import", "tsx", writer, dir, prefix, String(count)], {
        cwd: join(import.meta.dirname, "../.."),
        signal: AbortSignal.timeout(60_000),
      });
    await Promise.all([spawn("left"), spawn("right")]);
    const names = (await fileStore(dir).list()).map((r) => r.name);
    for (const prefix of ["left", "right"]) {
      for (let i = 0; i < count; i++) expect(names).toContain(`${prefix}-${i}`);
      expect(names).toContain(`${prefix}-shared`);
    }
    expect(names).toHaveLength(2 * count + 2);
  }, 60_000);
});
