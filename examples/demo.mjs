#!/usr/bin/env node
// `npm run demo`: the example system plus Linkup on the embedded default, in one command.
// Starts both copies of web/api/auth, runs `linkup apply -f examples/linkup.yaml` (which starts
// the local server and the embedded worker in the background), prints each session's URLs with a
// curl line per route, runs those curls once, and waits. Ctrl-C runs `linkup stop` and closes
// the services.
//
// State: $LINKUP_HOME if set, else <tmpdir>/linkup-demo, so the demo never touches a real
// ~/.linkup and the personal session keeps its generated name from one run to the next.
// Ports: Linkup's defaults (worker 8787, local server 8790, admin 8791), or LINKUP_WORKER_PORT,
// LINKUP_PROXY_PORT, LINKUP_ADMIN_PORT; the services use 4101-4103 and 4201-4203.
//   --once   apply, print, run the curls, then stop everything (exit 1 if a route misbehaved)
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { startExampleServices } from "./services/start-services.mjs";
import { LINKUP_PORTS } from "./ports.mjs";
import { EXAMPLE_CONFIG, linkupEnv, linkupOk, listSessions, stopLinkup } from "./demo/linkup-runtime.mjs";
import { routingChecks, runCheck, sessionUrl } from "./demo/routing-checks.mjs";

const once = process.argv.includes("--once");
const root = fileURLToPath(new URL("..", import.meta.url));
const home = process.env.LINKUP_HOME || join(tmpdir(), "linkup-demo");
const ports = {
  worker: Number(process.env.LINKUP_WORKER_PORT) || LINKUP_PORTS.worker,
  proxy: Number(process.env.LINKUP_PROXY_PORT) || LINKUP_PORTS.proxy,
  admin: Number(process.env.LINKUP_ADMIN_PORT) || LINKUP_PORTS.admin,
};
const env = linkupEnv({ home, ports });
const say = (line = "") => process.stdout.write(line + "\n");
const shellEnv = `LINKUP_HOME=${home}` + (ports.worker !== 8787 || ports.proxy !== 8790 || ports.admin !== 8791 ? ` LINKUP_WORKER_PORT=${ports.worker} LINKUP_PROXY_PORT=${ports.proxy} LINKUP_ADMIN_PORT=${ports.admin}` : "");

if (!existsSync(join(root, "dist", "cli", "main.js")) || !existsSync(join(root, "dist", "worker", "index.js"))) {
  console.error("Linkup is not built: run `npm run build` (npm ci does it for you), then `npm run demo`.");
  process.exit(2);
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** True when the demo's own background Linkup (from an earlier run) is alive: it may keep its ports. */
function demoRuntimeRunning() {
  try {
    const pid = Number(readFileSync(join(home, "local-server.pid"), "utf8").split("\n")[0]);
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

if (!demoRuntimeRunning())
  for (const [what, port] of Object.entries(ports))
    if (!(await portFree(port))) {
      console.error(
        `Port ${port} (Linkup ${what}) is already in use, probably by another Linkup: stop it (\`linkup stop\`) or run the demo on other ports, e.g.\n` +
          `  LINKUP_WORKER_PORT=18787 LINKUP_PROXY_PORT=18790 LINKUP_ADMIN_PORT=18791 npm run demo`,
      );
      process.exit(2);
    }

say("Linkup demo: the example system (web, api, auth; a local and a remote copy each) on the embedded default");
say(`state directory: ${home}  (LINKUP_HOME; delete it to start afresh)`);
say();

let system;
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say();
  say("stopping: linkup stop, then the example services");
  const r = await stopLinkup(env);
  const stopped = (r.stdout + r.stderr).trim();
  if (r.code !== 0) say(`  linkup stop failed (${(r.stderr || r.stdout).trim().split("\n")[0]}): ended the background process through its pid file`);
  else if (stopped) say("  " + stopped.split("\n").join("\n  "));
  await system?.close();
  say("stopped.");
  process.exit(code);
}
process.on("SIGINT", () => {
  if (stopping) process.exit(130); // a second Ctrl-C: leave now
  void shutdown(0);
});
process.on("SIGTERM", () => void shutdown(0));

try {
  system = await startExampleServices({ workerUrl: `http://127.0.0.1:${ports.worker}`, proxyUrl: `http://127.0.0.1:${ports.proxy}` });
  say("example services:");
  for (const name of ["web", "api", "auth"]) say(`  ${name.padEnd(5)} remote copy ${system.url("remote", name)}   local copy ${system.url("local", name)}`);
  say();

  const configArg = relative(process.cwd(), EXAMPLE_CONFIG) || EXAMPLE_CONFIG;
  say(`$ ${shellEnv} npx linkup apply -f ${configArg}`);
  const applied = await linkupOk(["apply", "-f", EXAMPLE_CONFIG], env);
  for (const line of (applied.stdout + applied.stderr).trim().split("\n")) say("  " + line);
  say();

  const sessions = await listSessions(env);
  const personal = sessions.find((s) => s.personal)?.name;
  let failures = 0;
  for (const session of sessions) {
    const routes = Object.entries(session.routes)
      .map(([svc, route]) => `${svc} ${route}`)
      .join(" · ");
    const who = session.name === personal ? ", your personal session" : "";
    say(`session ${session.name} (${session.type}${who}): ${routes}`);
    say(`  open ${session.url ?? sessionUrl(session.name, session.type, ports)}`);
    for (const check of routingChecks(session, ports)) {
      say(`  $ ${check.curl}`);
      const answer = await runCheck(check);
      const expected = expectedCopy(session.routes[check.service]);
      const ok = answer.includes(`${check.service} (${expected}`);
      if (!ok) failures++;
      say(`    ${ok ? "✓" : "✗"} ${answer.length > 220 ? answer.slice(0, 217) + "..." : answer}`);
    }
    say();
  }

  const browserSession = personal ?? sessions[0]?.name;
  const browserUrl = sessions.find((s) => s.name === browserSession)?.url ?? sessionUrl(browserSession, "tunneled", ports);
  say("In a browser (no DNS change: browsers resolve *.localhost to this machine):");
  say(`  open ${browserUrl}`);
  say("Change a route and reload the page (no restart):");
  say(`  ${shellEnv} npx linkup route remote web -f ${configArg}`);
  say(`  ${shellEnv} npx linkup diff -f ${configArg}     # shows that drift; \`linkup apply\` puts it back`);
  say();
  if (failures > 0) say(`${failures} route(s) did not answer as the config says: see the ✗ lines above.`);

  if (once) await shutdown(failures > 0 ? 1 : 0);
  else say("Running. Ctrl-C stops Linkup (linkup stop) and the example services.");
} catch (e) {
  console.error(`demo failed: ${e.message}`);
  await shutdown(1);
}

/** What a service's page or JSON should name for a route: its local or remote copy, or (an override here) the remote copy's preview build. */
function expectedCopy(route) {
  if (route === "local") return "local copy";
  return "remote copy";
}
