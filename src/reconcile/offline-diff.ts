// The offline diff (`linkup diff --base REF`, `linkup diff OLD.yaml NEW.yaml`): two versions of the
// config, each turned into the sessions it declares (after the local override is merged; `${VAR}`
// left as written), planned one against the other with the same planner `apply` uses, then masked
// (no credentials from service URLs) for printing. No server, no token: what a CI job reviewing a
// pull request can run.
import { ConfigError } from "../core/errors.js";
import { loadVersion, type ConfigVersion } from "../config/config-versions.js";
import { describeItem, overview, overviewLines, type OverviewItem } from "./change-overview.js";
import { desiredSession, desiredSessions, implicitPersonalDeclaration, type DeclaredConfig, type DesiredSession } from "./desired.js";
import { maskDeep } from "../core/mask-secrets.js";
import { plan, summarise, type Action } from "./plan.js";
import { diffEntries, diffJson, entryHeadline, patchLines, plain, summaryLine, type Colors, type DiffJson, type DiffLabels } from "./render-diff.js";
import type { ActualSession } from "./actual.js";

/** What the unnamed (personal) session is called in an offline diff: each developer's differs. */
export const PERSONAL_LABEL = "(personal)";
const IDENTITY = "offline-diff";

export interface OfflineDiff {
  base: { label: string; exists: boolean };
  head: { label: string; exists: boolean };
  /** The plan from base to head, with service URLs masked. */
  actions: Action[];
  overview: OverviewItem[];
}

/**
 * The sessions a config brings up: those it declares (the unnamed one as `(personal)`; shared ones
 * from the team file alone, personal ones with the local override, as `apply` computes them), or,
 * when it declares none, the personal session `linkup start` would create, so a change to a config
 * without `sessions` still shows. No owner is recorded: an offline diff is nobody's.
 */
export function effectiveSessions(loaded: DeclaredConfig | undefined): DesiredSession[] {
  if (!loaded) return [];
  const config = loaded.config;
  const sessions = config.sessions.length > 0 ? desiredSessions(loaded, PERSONAL_LABEL, null) : [desiredSession(config, implicitPersonalDeclaration(config), PERSONAL_LABEL)];
  return sessions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The plan from one version's sessions to the other's: removed sessions are deletions. */
export function planBetween(base: DesiredSession[], head: DesiredSession[]): Action[] {
  const actual: ActualSession[] = base.flatMap((d) =>
    d.placement.map((placement) => ({ name: d.name, placement, spec: d.spec, managed_by: IDENTITY, owner: d.owner, version: 0, tunnel_url: null })),
  );
  return plan(head, actual, { prune: true, identity: IDENTITY });
}

export function offlineDiff(baseVersion: ConfigVersion, headVersion: ConfigVersion): OfflineDiff {
  if (baseVersion.text === undefined && headVersion.text === undefined)
    throw new ConfigError("config-not-found", `neither ${baseVersion.label} nor ${headVersion.label} exists: nothing to compare`);
  const actions = planBetween(effectiveSessions(loadVersion(baseVersion)), effectiveSessions(loadVersion(headVersion)));
  // Planned and summarised on the real values (a changed credential is still a change), shown masked.
  return {
    base: { label: baseVersion.label, exists: baseVersion.text !== undefined },
    head: { label: headVersion.label, exists: headVersion.text !== undefined },
    actions: maskDeep(actions),
    overview: maskDeep(overview(actions)),
  };
}

/** Patch headers name the sides `base/session/<name>` and `head/session/<name>`. */
export const OFFLINE_LABELS: DiffLabels = { from: "base", to: "head" };

/** Text: each changed session's YAML diff, then the summary in words, then the counts. */
export function renderOfflineText(d: OfflineDiff, colors: Colors = plain): string {
  const out: string[] = [];
  for (const e of diffEntries(d.actions, OFFLINE_LABELS)) {
    out.push(colors.bold(entryHeadline(e)));
    out.push(...patchLines(e.patch, colors));
  }
  const what = `${d.base.label}${d.base.exists ? "" : " (absent)"} → ${d.head.label}${d.head.exists ? "" : " (absent)"}`;
  if (d.overview.length > 0) out.push(colors.bold(`Summary (${what}):`), ...overviewLines(d.overview));
  else out.push(`No change to any session (${what}).`);
  out.push(summaryLine(summarise(d.actions)));
  return out.join("\n");
}

export interface OfflineDiffJson extends DiffJson {
  base: { label: string; exists: boolean };
  head: { label: string; exists: boolean };
  /** The summary in words: each item's fields plus its sentence. */
  overview: (OverviewItem & { text: string })[];
}

export function offlineDiffJson(d: OfflineDiff): OfflineDiffJson {
  return {
    ...diffJson(d.actions, OFFLINE_LABELS),
    base: d.base,
    head: d.head,
    overview: d.overview.map((item) => ({ ...item, text: describeItem(item) })),
  };
}
