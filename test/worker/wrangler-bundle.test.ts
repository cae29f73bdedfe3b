// wrangler.toml is deployable: `wrangler deploy --dry-run` bundles src/worker/index.ts offline
// (no account, no network needed) and writes the bundle. Also keeps the embedded host's
// compatibility date and cron in step with wrangler.toml.
import { describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { WORKER_COMPATIBILITY_DATE, WORKER_CRON } from "../../src/core/deployment.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

describe("wrangler.toml", () => {
  it("bundles with `wrangler deploy --dry-run --outdir`", async () => {
    const out = await mkdtemp(join(tmpdir(), "linkup-wrangler-"));
    try {
      await run(join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out], {
        cwd: root,
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1", WRANGLER_LOG_PATH: join(out, "logs") },
        timeout: 120_000,
      });
      const bundle = join(out, "index.js");
      expect((await stat(bundle)).size).toBeGreaterThan(10_000);
      const text = await readFile(bundle, "utf8");
      expect(text).toContain("/linkup/v1");
      expect(text).not.toMatch(/from\s+["']node:/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 150_000);

  it("declares what the embedded host assumes: compatibility date, KV bindings, hourly cron", async () => {
    const toml = await readFile(join(root, "wrangler.toml"), "utf8");
    expect(toml).toMatch(/^main = "src\/worker\/index\.ts"$/m);
    expect(toml).toContain(`compatibility_date = "${WORKER_COMPATIBILITY_DATE}"`);
    expect(toml).toContain(`crons = ["${WORKER_CRON}"]`);
    expect(toml).toContain('binding = "LINKUP_SESSIONS"');
    expect(toml).toContain('binding = "LINKUP_TUNNELS"');
    expect(toml).not.toMatch(/^WORKER_TOKEN\s*=/m);
  });
});
