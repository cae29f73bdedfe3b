// `apply --watch`: chokidar on the config file and its local override; saves are debounced
// (sliding, with a cap so a steady stream of saves still applies); each pass re-plans against the
// live state and applies only the difference. An invalid save reports its diagnostics and keeps
// the last good state; the next valid one says so. Ctrl-C (SIGINT/SIGTERM) stops watching and
// leaves the sessions as applied.
//
// The live state is watched too (level-triggered, like a controller): a poll of both sides'
// session lists (versions only change on writes, so an unchanged list costs one small read) and,
// when it moved, a plan against the last good config. A plan with changes is drift (`linkup route`
// in another terminal, a teammate's write): reported, then healed by a pass. A side that stops
// answering is reported; the local server (and the embedded worker it hosts) is restarted by the
// next pass's ensure-runtime step, with a growing pause between attempts.
import { dirname } from "node:path";
import type { ApplyOutcome } from "./apply.js";
import type { Placement } from "../clients/session-api.js";
import { ConfigDiagnosticsError, configFiles, type Diagnostic } from "../config/config-file.js";
import { normaliseRecord, type ActualState } from "./actual.js";
import { openContext, type ContextSource, type ReconcileContext } from "./context.js";
import { configPlacements } from "./desired.js";
import { sessionChanges, type SessionChange } from "./plan.js";
import { computePlan } from "./reconcile.js";

/** What started a pass: the first one, a save, drift in the live state, a side that went down. */
export type PassTrigger = "start" | "config" | "drift" | "server";

export interface SessionUrls {
  name: string;
  urls: string[];
}

/** Every event carries `at`, an ISO timestamp (`-o json` prints the events as they are). */
export type WatchEvent =
  | { type: "watching"; at: string; files: string[] }
  | {
      type: "applied";
      at: string;
      trigger: PassTrigger[];
      /** The first pass that applied (the CLI prints the URLs after it). */
      first: boolean;
      outcomes: ApplyOutcome[];
      /** What the pass's plan changed, per session, field by field. */
      changes: SessionChange[];
      /** The pass had to start the local server (and the embedded worker). */
      started: boolean;
      urls: SessionUrls[];
    }
  | { type: "unchanged"; at: string; trigger: PassTrigger[] }
  | { type: "invalid"; at: string; diagnostics: Diagnostic[] }
  | { type: "valid-again"; at: string }
  | { type: "drift"; at: string; sessions: SessionChange[] }
  | { type: "server-down"; at: string; side: Placement; reason: string; restarting: boolean }
  | { type: "server-up"; at: string; side: Placement }
  | { type: "error"; at: string; message: string };

/** What one pass did; `changes`, `started` and `urls` make the watch's report richer when given. */
export interface PassResult {
  outcomes: ApplyOutcome[];
  changes?: SessionChange[];
  started?: boolean;
  urls?: SessionUrls[];
}

/** One apply pass over a loaded config (the CLI composes it from the apply steps; reconcile never imports operations). */
export type ApplyPass = (ctx: ReconcileContext) => Promise<PassResult>;

export interface DriftOptions {
  /** The plan the pass uses: whether sessions the config no longer declares count as drift. */
  prune: boolean;
  /**
   * How often each side's session list is read. Default 250 ms for a side on this machine (the
   * local server; a worker on a loopback address, e.g. the embedded one), 2 s for a remote worker.
   */
  pollMs?: Partial<Record<Placement, number>>;
}

export interface WatchOptions {
  apply: ApplyPass;
  onEvent(e: WatchEvent): void;
  debounceMs?: number;
  /** A burst of saves still applies after this long. */
  maxWaitMs?: number;
  /** Resolves to stop watching (tests); default: SIGINT or SIGTERM. */
  until?: Promise<void>;
  /** Watch the live state for drift and dead servers; off without it. */
  drift?: DriftOptions;
  now?: () => Date;
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

const LOCAL_POLL_MS = 250;
const REMOTE_POLL_MS = 2_000;
const RESTART_BACKOFF_MS = [0, 1_000, 2_000, 5_000, 10_000, 30_000];

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host.endsWith(".localhost");
  } catch {
    return false;
  }
}

/** Session lists as one comparable string: any write anywhere changes a version. */
function fingerprint(lists: Map<Placement, { name: string; version: number }[]>): string {
  return [...lists]
    .flatMap(([side, records]) => records.map((r) => `${side}/${r.name}@${r.version}`))
    .sort()
    .join(" ");
}

export async function watchConfig(src: ContextSource, options: WatchOptions): Promise<void> {
  const where = configFiles(src);
  const files = [...where.team.filter((f) => f !== "-"), ...(where.local ? [where.local] : [])];
  const now = options.now ?? (() => new Date());
  const at = () => now().toISOString();
  const emit = (e: WatchEvent) => options.onEvent(e);
  const { watch } = await import("chokidar");

  let lastGood: ReconcileContext | undefined;
  let invalidShown = false;
  let applied = false;

  const pass = async (reasons: Set<PassTrigger>) => {
    const trigger = [...reasons];
    const fromFile = reasons.has("start") || reasons.has("config");
    let ctx: ReconcileContext | undefined;
    let fresh = false;
    try {
      ctx = openContext(src);
      fresh = true;
    } catch (e) {
      if (!(e instanceof ConfigDiagnosticsError)) return emit({ type: "error", at: at(), message: (e as Error)?.message ?? String(e) });
      if (fromFile) {
        emit({ type: "invalid", at: at(), diagnostics: e.diagnostics });
        invalidShown = true;
      }
      // Drift and restarts still heal towards the last good config.
      if (!lastGood || !(reasons.has("drift") || reasons.has("server"))) return;
      ctx = lastGood;
    }
    if (fresh && invalidShown) {
      emit({ type: "valid-again", at: at() });
      invalidShown = false;
    }
    try {
      const r = await options.apply(ctx);
      if (fresh) lastGood = ctx;
      if (r.started) for (const side of ["local", "worker"] as const) down.delete(side);
      // A session the config no longer declares is reported with the next real change, not on every save.
      const changed = r.outcomes.some((o) => o.result !== "unchanged" && o.result !== "undeclared");
      if (changed || r.outcomes.length === 0 || r.started || !applied)
        emit({
          type: "applied",
          at: at(),
          trigger,
          first: !applied,
          outcomes: r.outcomes,
          changes: r.changes ?? [],
          started: r.started ?? false,
          urls: r.urls ?? [],
        });
      else emit({ type: "unchanged", at: at(), trigger });
      applied = true;
    } catch (e) {
      emit({ type: "error", at: at(), message: (e as Error)?.message ?? String(e) });
    }
  };

  // Passes never overlap: triggers during a pass queue exactly one more pass, with every reason.
  let running: Promise<void> | undefined;
  const pending = new Set<PassTrigger>();
  const trigger = (reason: PassTrigger) => {
    pending.add(reason);
    if (running) return;
    running = (async () => {
      while (pending.size > 0) {
        const reasons = new Set(pending);
        pending.clear();
        await pass(reasons);
      }
    })().finally(() => (running = undefined));
  };
  const debounced = debounce(() => trigger("config"), options.debounceMs ?? 200, options.maxWaitMs ?? 2_000);

  // The live state: read each side the config needs on its own interval; plan when a list moved.
  const down = new Map<Placement, { since: number; attempts: number; nextTry: number }>();
  const lists = new Map<Placement, { name: string; version: number }[]>();
  const records = new Map<Placement, ActualState["sessions"]>();
  const nextRead = new Map<Placement, number>();
  let seen: string | undefined;
  const pollMs = (ctx: ReconcileContext, side: Placement) =>
    options.drift?.pollMs?.[side] ?? (side === "local" || ctx.embeddedWorker || isLoopback(ctx.urls.worker) ? LOCAL_POLL_MS : REMOTE_POLL_MS);

  const tick = async () => {
    const ctx = lastGood;
    if (!ctx || running || !options.drift) return;
    const sides = configPlacements(ctx.loaded.config);
    const t = Date.now();
    await Promise.all(
      sides
        .filter((side) => (nextRead.get(side) ?? 0) <= t)
        .map(async (side) => {
          nextRead.set(side, t + pollMs(ctx, side));
          try {
            const list = await ctx.clients[side].list();
            lists.set(side, list.map((r) => ({ name: r.name, version: r.version })));
            records.set(side, list.map((r) => normaliseRecord(r, side)));
            if (down.delete(side)) emit({ type: "server-up", at: at(), side });
          } catch (e) {
            lists.delete(side);
            if (!down.has(side)) {
              // The daemon hosts the local server and the embedded worker: a pass can start it again.
              const restarting = side === "local" || ctx.embeddedWorker;
              down.set(side, { since: t, attempts: 0, nextTry: t });
              emit({ type: "server-down", at: at(), side, reason: (e as Error)?.message ?? String(e), restarting });
            }
          }
        }),
    );
    if (running) return;
    const restartable = [...down].filter(([side]) => side === "local" || ctx.embeddedWorker);
    for (const [, state] of restartable)
      if (state.nextTry <= Date.now()) {
        state.nextTry = Date.now() + RESTART_BACKOFF_MS[Math.min(++state.attempts, RESTART_BACKOFF_MS.length - 1)]!;
        trigger("server");
        return;
      }
    if (sides.some((side) => !lists.has(side))) return;
    const current = fingerprint(new Map(sides.map((side) => [side, lists.get(side)!])));
    if (current === seen) return;
    seen = current;
    const actual: ActualState = { sessions: sides.flatMap((side) => records.get(side) ?? []), unavailable: [] };
    const planned = await computePlan(ctx, { prune: options.drift.prune, reach: sides, actual });
    const drifted = sessionChanges(planned.actions);
    if (drifted.length === 0 || running) return;
    emit({ type: "drift", at: at(), sessions: drifted });
    trigger("drift");
  };

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  const schedule = () => {
    if (stopped || !options.drift) return;
    timer = setTimeout(() => {
      ticking = tick()
        .catch((e: unknown) => emit({ type: "error", at: at(), message: (e as Error)?.message ?? String(e) }))
        .finally(() => {
          ticking = undefined;
          schedule();
        });
    }, LOCAL_POLL_MS / 5);
  };

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

  trigger("start");
  await running;
  emit({ type: "watching", at: at(), files });
  schedule();
  await (options.until ?? signalled());
  stopped = true;
  if (timer) clearTimeout(timer);
  debounced.cancel();
  await watcher.close();
  await ticking;
  await running;
}
