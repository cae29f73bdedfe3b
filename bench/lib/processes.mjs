// Every process the bench starts goes through here, so one call ends them all: at the end of a
// run, on an error, and on Ctrl-C. Nothing is ever killed by name, only by the handle we hold.
import { execa } from "execa";

const running = new Set();

/** Tracks an execa child until it exits, so stopAll() can end it. */
export function track(child) {
  running.add(child);
  void child.then(
    () => running.delete(child),
    () => running.delete(child),
  );
  return child;
}

/** Starts a long-running process (a server) and tracks it until stopAll() or its exit. */
export function spawnTracked(file, args, options = {}) {
  return track(execa(file, args, { reject: false, buffer: false, stdin: "ignore", ...options }));
}

/** Ends one tracked process: SIGTERM, then SIGKILL after a grace period. */
export async function stopProcess(child, graceMs = 3_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await child.catch(() => {});
  clearTimeout(timer);
  running.delete(child);
}

/** Other things to end on the way out (a Linkup runtime started through the CLI, an in-process workerd). */
const cleanups = new Set();

/** Registers `fn` to run in stopAll(). It may run after its owner already stopped: make it idempotent. */
export function onStopAll(fn) {
  cleanups.add(fn);
}

let stoppingAll;

/**
 * Ends everything, once: Ctrl-C and the end of the run may both call it, and a second pass must
 * not kill the `linkup stop` the first one is running.
 */
export function stopAll() {
  return (stoppingAll ??= (async () => {
    // Processes first: a CLI command still running (say, an apply starting the runtime) must not
    // start something after the cleanups below have stopped it.
    await Promise.all([...running].map((c) => stopProcess(c)));
    await Promise.allSettled([...cleanups].map((fn) => fn()));
    cleanups.clear();
  })());
}

/** Resolves with the first stdout line of `child` that parses as JSON (servers announce their port this way). */
export function firstJsonLine(child, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    let buffered = "";
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`no ready line after ${timeoutMs} ms: ${stderr.slice(-500)}`)), timeoutMs);
    child.stderr?.on("data", (d) => (stderr += d));
    const onData = (d) => {
      buffered += d;
      let nl;
      while ((nl = buffered.indexOf("\n")) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const value = JSON.parse(line);
          clearTimeout(timer);
          child.stdout.off("data", onData);
          resolve(value);
          return;
        } catch {
          /* not the ready line */
        }
      }
    };
    child.stdout.on("data", onData);
    void child.then((r) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${r.exitCode ?? r.signal}) before it was ready: ${stderr.slice(-500)}`));
    });
  });
}
