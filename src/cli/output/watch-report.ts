// How `apply --watch` reads, as Tilt reports: one line per thing that happened, each starting with
// the local time, e.g. `12:04:31 session/lime-panda configured: web remote → local`; the URLs after
// the first pass; drift and restarts said in words. `-o json|yaml` prints the events themselves.
import type { FieldChange, SessionChange } from "../../reconcile/plan.js";
import type { WatchEvent } from "../../reconcile/watch.js";
import type { Diagnostic } from "../../config/config-file.js";
import type { CliIo } from "../io.js";

const two = (n: number) => String(n).padStart(2, "0");

/** `HH:MM:SS` in local time, as a terminal reader expects. */
export function clock(iso: string): string {
  const d = new Date(iso);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

const scalar = (v: unknown): string =>
  v === undefined || v === null ? "none" : typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);

/** One field change in a few words: `web remote → local`, `+cache`, `managed_by a → b`. */
export function describeChange(c: FieldChange): string {
  const route = /^services\[(.+)\]\.route$/.exec(c.path);
  if (route) return `${route[1]} ${scalar(c.from)} → ${scalar(c.to)}`;
  const service = /^services\[(.+)\]$/.exec(c.path);
  if (service) return c.from === undefined ? `+${service[1]}` : c.to === undefined ? `-${service[1]}` : `${service[1]} changed`;
  const simple = (v: unknown) => v === undefined || v === null || typeof v !== "object";
  if (simple(c.from) && simple(c.to)) return `${c.path} ${scalar(c.from)} → ${scalar(c.to)}`;
  return `${c.path} changed`;
}

/** The changes of one session, comma-separated. */
export const describeChanges = (changes: FieldChange[]): string => changes.map(describeChange).join(", ");

/** What drift in one session means: the live value first, what the config says second. */
function describeDrift(s: SessionChange): string {
  const where = s.placements.join(", ");
  if (s.kind === "create") return `session/${s.name} is missing on ${where}`;
  if (s.kind === "delete") return `session/${s.name} on ${where} is no longer declared`;
  const parts = s.changes.map((c) => {
    const route = /^services\[(.+)\]\.route$/.exec(c.path);
    return route ? `${route[1]} is ${scalar(c.from)}, the config says ${scalar(c.to)}` : `${c.path} changed`;
  });
  return `session/${s.name} changed on ${where} (${parts.join("; ")})`;
}

function diagnosticLine(d: Diagnostic, format: (d: Diagnostic) => string): string {
  return `  ${format(d)}`;
}

/** Prints one watch event as text; `wide` adds the placements and the triggers. */
export function printWatchEvent(ev: WatchEvent, io: CliIo, wide: boolean, formatDiagnostic: (d: Diagnostic) => string): void {
  const c = io.color;
  const t = c.dim(clock(ev.at));
  switch (ev.type) {
    case "watching":
      return io.out(`${t} watching ${ev.files.join(", ")} (Ctrl-C to stop; sessions stay as applied)`);
    case "applied": {
      if (ev.started) io.out(`${t} started the local server`);
      for (const o of ev.outcomes) {
        if (o.result === "unchanged" && !ev.first) continue;
        const change = ev.changes.find((x) => x.name === o.name);
        const where = wide ? ` (${o.placements.join(", ")})` : "";
        const label = `session/${o.name}`;
        let line: string;
        switch (o.result) {
          case "created":
            line = `${label} ${c.green("created")}${where}`;
            break;
          case "configured":
            line = `${label} ${c.yellow("configured")}${where}${change?.changes.length ? `: ${describeChanges(change.changes)}` : ""}`;
            break;
          case "pruned":
            line = `${label} ${c.red("pruned")}${where}`;
            break;
          case "unchanged":
            line = `${label} ${c.dim("unchanged")}${where}`;
            break;
          case "undeclared":
            line = `${label} ${c.yellow("not declared")}${where} (delete with --prune)`;
            break;
          case "failed":
            io.err(`${t} ${label} ${c.red("failed")}${where}: ${o.error ?? "unknown error"}`);
            continue;
        }
        io.out(`${t} ${line}`);
      }
      if (ev.outcomes.length === 0) io.out(`${t} no sessions declared`);
      // The URLs once, after the first pass, and for every session created later.
      const created = new Set(ev.outcomes.filter((o) => o.result === "created").map((o) => o.name));
      for (const u of ev.urls) if ((ev.first || created.has(u.name)) && u.urls.length) io.out(`${t}   ${u.name}: ${u.urls.join("  ")}`);
      if (wide) io.out(`${t} ${c.dim(`(pass started by: ${ev.trigger.join(", ")})`)}`);
      return;
    }
    case "unchanged":
      return io.out(`${t} ${c.dim(`no changes${wide ? ` (pass started by: ${ev.trigger.join(", ")})` : ""}`)}`);
    case "invalid":
      io.err(`${t} ${c.red("invalid config")}: keeping the last applied state`);
      for (const d of ev.diagnostics) io.err(diagnosticLine(d, formatDiagnostic));
      return;
    case "valid-again":
      return io.out(`${t} ${c.green("config valid again")}`);
    case "drift":
      for (const s of ev.sessions) io.out(`${t} ${c.yellow("drift")}: ${describeDrift(s)}; re-applying`);
      return;
    case "server-down": {
      const who = ev.side === "local" ? "local server" : "worker";
      return io.err(
        `${t} ${c.red(`${who} stopped answering`)} (${ev.reason}); ${ev.restarting ? "restarting it" : "will re-apply when it answers again"}`,
      );
    }
    case "server-up":
      return io.out(`${t} ${ev.side === "local" ? "local server" : "worker"} answers again`);
    case "error":
      return io.err(`${t} ${c.red("error:")} ${ev.message}`);
  }
}

/** `-o name` for the watch: the sessions each pass touched. */
export function watchEventNames(ev: WatchEvent): string[] {
  if (ev.type === "applied") return ev.outcomes.filter((o) => o.result !== "unchanged" || ev.first).map((o) => `session/${o.name}`);
  return [];
}
