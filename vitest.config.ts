import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default"],
    // Every local server a test starts (in process, or as a daemon through the CLI) takes a free
    // port for its tunnel listener instead of 8792, so parallel test files never collide on it.
    // Tests that need a known tunnel port (cloudflared's ingress) set LINKUP_TUNNEL_PORT themselves.
    env: { LINKUP_TUNNEL_PORT: "0" },
  },
});
