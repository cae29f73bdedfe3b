// `apply --watch`: chokidar on the config file and its local override; saves are debounced
// (sliding, with a cap so a steady stream of saves still applies); each pass re-plans against the
// live state and applies only the difference. An invalid save reports its diagnostics and keeps
// the last good state; Ctrl-C (SIGINT/SIGTERM) stops watching and leaves the sessions as applied.
import { dirname } from "node:path";
import type { ApplyOutcome } from "./apply.js";
import { ConfigDiagnosticsError, configFiles, type Diagnostic } from "../config/config-file.js";
import { openContext, type ContextSource, type ReconcileContext } from "./context.js";

export type WatchEvent =
  | { type: "watching"; files: string[] }
  | { type: "applied"; outcomes: ApplyOutcome[] }
  | { type: "unchanged" }
  | { type: "invalid"; diagnostics: Diagnostic[] }
  | { type: "error"; message: string };

/** One apply pass over a freshly loaded config (the CLI composes it from the apply steps; reconcile never imports operations). */
export type ApplyPass = (ctx: ReconcileContext) => Promise<{ outcomes: ApplyOutcome[] }>;

export interface WatchOptions {
  apply: ApplyPass;
  onEvent(e: WatchEvent): void;
  debounceMs?: number;
  /** A burst of saves still applies after this long. */
  maxWaitMs?: number;
  /** Resolves to stop watching (tests); default: SIGINT or SIGTERM. */
  until?: Promise<void>;
}

/** A sliding debounce with a cap: fires `wait` ms after the last call, or `maxWait` after the first. */
export function debounce(fn: () => void, wait: number, maxWait: number): { call(): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let first: number | undefined;
  const fire = () => {
    timer = undefined;
    first = undefined;
    fn();
  };
  return {
    call() {
      const now = Date.now();
      first ??= now;
      if (timer) clearTimeout(timer);
      timer = setTimeout(fire, Math.max(0, Math.min(wait, first + maxWait - now)));
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      first = undefined;
    },
  };
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}

export async function watchConfig(src: ContextSource, options: WatchOptions): Promise<void> {
  const where = configFiles(src);
  const files = [...where.team.filter((f) => f !== "-"), ...(where.local ? [where.local] : [])];
  const { watch } = await import("chokidar");

  // Passes never overlap: a save during a pass queues exactly one more pass.
  let running: Promise<void> | undefined;
  let again = false;
  const pass = async () => {
    try {
      const ctx = openContext(src);
      const r = await options.apply(ctx);
      // A session the config no longer declares is reported with the next real change, not on every save.
      const changed = r.outcomes.some((o) => o.result !== "unchanged" && o.result !== "undeclared");
      options.onEvent(changed || r.outcomes.length === 0 ? { type: "applied", outcomes: r.outcomes } : { type: "unchanged" });
    } catch (e) {
      if (e instanceof ConfigDiagnosticsError) options.onEvent({ type: "invalid", diagnostics: e.diagnostics });
      else options.onEvent({ type: "error", message: (e as Error)?.message ?? String(e) });
    }
  };
  const trigger = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await pass();
      } while (again);
    })().finally(() => (running = undefined));
  };
  const debounced = debounce(trigger, options.debounceMs ?? 200, options.maxWaitMs ?? 2_000);

  // Watch the directories, not the files: editors replace files on save and the override may not exist yet.
  const dirs = [...new Set(files.map((f) => dirname(f)))];
  const wanted = new Set(files);
  const watcher = watch(dirs, {
    ignoreInitial: true,
    depth: 0,
    ignored: (path: string) => !dirs.includes(path) && !wanted.has(path),
  });
  watcher.on("all", () => debounced.call());
  await new Promise<void>((resolve, reject) => {
    watcher.once("ready", resolve);
    watcher.once("error", reject);
  });

  trigger();
  await running;
  options.onEvent({ type: "watching", files });
  await (options.until ?? signalled());
  debounced.cancel();
  await watcher.close();
  await running;
}
