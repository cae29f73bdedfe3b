// Desired state: the sessions a loaded config declares, each with the spec the servers should
// hold and where it lives. tunneled -> local server + worker (the worker routes `local` services
// through the tunnel to the local server); isolated -> local server only; preview -> worker only.
import type { LinkupConfig, SessionDeclaration, SessionType } from "../core/config.js";
import { specFromConfig, type SessionSpec } from "../core/session.js";
import type { Placement } from "../clients/session-api.js";

export interface DesiredSession {
  name: string;
  /** Local first: a tunneled session must exist locally before the worker sends traffic there. */
  placement: Placement[];
  spec: SessionSpec;
  /** The developer's personal session (declared without a name). */
  personal: boolean;
  /** Recorded on the session: this person's owner id for personal sessions, null for shared ones. */
  owner: string | null;
}

export function placementFor(type: SessionType): Placement[] {
  switch (type) {
    case "tunneled":
      return ["local", "worker"];
    case "isolated":
      return ["local"];
    case "preview":
      return ["worker"];
  }
}

/** Sides the config's sessions live on: what `apply` needs running. */
export function configPlacements(config: LinkupConfig): Placement[] {
  const sides = new Set(config.sessions.flatMap((d) => placementFor(d.type)));
  return (["local", "worker"] as const).filter((p) => sides.has(p));
}

/** The personal session declaration: the config's unnamed session, if any. */
export function personalDeclaration(config: LinkupConfig): SessionDeclaration | undefined {
  return config.sessions.find((s) => s.name === undefined);
}

/**
 * The personal session `linkup start` brings up when the config declares none (a config written
 * for Mentimeter's Linkup has no `sessions`): every service remote, except services without a
 * remote URL, which can only be local.
 */
export function implicitPersonalDeclaration(config: LinkupConfig, type: SessionType = "tunneled"): SessionDeclaration {
  const routes: Record<string, string> = {};
  for (const s of config.services) if (s.remote === undefined && s.local !== undefined) routes[s.name] = "local";
  return { type, routes };
}

/** What `start` brings up: the config's personal session, else the implicit one; `isolated` keeps it on this machine. */
export function startDeclaration(config: LinkupConfig, isolated: boolean): SessionDeclaration {
  const declared = personalDeclaration(config) ?? implicitPersonalDeclaration(config);
  return isolated ? { ...declared, type: "isolated" } : declared;
}

/** One session; `owner` is recorded only when given (personal sessions). */
export function desiredSession(config: LinkupConfig, decl: SessionDeclaration, name: string, owner: string | null = null): DesiredSession {
  return { name, placement: placementFor(decl.type), spec: specFromConfig(config, decl), personal: decl.name === undefined, owner };
}

/** A loaded config as desired state needs it: the effective config and the team files alone. */
export interface DeclaredConfig {
  config: LinkupConfig;
  /** Without it (a config from one file and no override) shared sessions use `config`. */
  team?: LinkupConfig;
}

/**
 * Every session the config declares. Personal sessions (the unnamed one, those from
 * linkup.local.yaml) use this person's overrides and record `owner`; shared sessions are computed
 * from the team files alone, so every teammate's desired state for them is identical.
 * `personalName` names the unnamed session; without it that session is left out (callers resolve
 * it first, see personal-session.ts).
 */
export function desiredSessions(loaded: DeclaredConfig, personalName: string | undefined, owner: string | null): DesiredSession[] {
  const out: DesiredSession[] = [];
  for (const decl of loaded.config.sessions) {
    const name = decl.name ?? personalName;
    if (name === undefined) continue;
    const personal = decl.personal === true || decl.name === undefined;
    out.push(desiredSession(personal ? loaded.config : (loaded.team ?? loaded.config), decl, name, personal ? owner : null));
  }
  return out;
}
