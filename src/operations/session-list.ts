// `sessions list`: every session either side holds, merged by name, for a table or `--json`.
import type { SessionType } from "../core/config.js";
import { readActual } from "../reconcile/actual.js";
import type { Placement } from "../clients/session-api.js";
import type { ReconcileContext } from "../reconcile/context.js";
import { rememberedPersonalName } from "../machine/personal-session.js";
import { readListeners } from "./listeners.js";
import { addressesJson, sessionAddresses } from "./session-urls.js";

export interface SessionListEntry {
  name: string;
  type: SessionType;
  placements: Placement[];
  managed_by: string | null;
  /** The person a personal session belongs to; null for shared sessions. */
  owner: string | null;
  /** Its owner is you (this state directory's id, or --owner / LINKUP_OWNER). */
  mine: boolean;
  /** Version on each side that holds it. */
  versions: Partial<Record<Placement, number>>;
  /** Addresses that open as printed on this machine (session-urls.ts). */
  urls: string[];
  /** curl commands for the domains no URL reaches from here (usually empty). */
  curl: string[];
  tunnel_url: string | null;
  /** This developer's personal session for this config. */
  personal: boolean;
  /** When it expires (ISO; the earliest of its sides), or null when it does not. */
  expires_at: string | null;
}

export interface SessionListing {
  /** Your owner id. */
  owner: string;
  sessions: SessionListEntry[];
  /** Sides that could not be read. */
  unavailable: Placement[];
}

const TYPE_ORDER: SessionType[] = ["tunneled", "isolated", "preview"];

export async function listSessions(ctx: ReconcileContext): Promise<SessionListing> {
  const [actual, listeners] = await Promise.all([readActual([ctx.clients.local, ctx.clients.worker], ["local", "worker"]), readListeners(ctx)]);
  const personal = rememberedPersonalName(ctx.stateDir, ctx.personalKey);
  const byName = new Map<string, SessionListEntry>();
  for (const s of actual.sessions) {
    const e: SessionListEntry = byName.get(s.name) ?? {
      name: s.name,
      type: s.spec.type,
      placements: [],
      managed_by: s.managed_by,
      owner: s.owner,
      mine: s.owner !== null && s.owner === ctx.owner.id,
      versions: {},
      ...addressesJson(sessionAddresses(s.name, s.spec.type, s.spec.domains, listeners)),
      tunnel_url: null,
      personal: s.name === personal,
      expires_at: null,
    };
    e.placements.push(s.placement);
    e.versions[s.placement] = s.version;
    if (s.placement === "worker") e.tunnel_url = s.tunnel_url;
    const expires = s.expires_at ?? null;
    if (expires !== null && (e.expires_at === null || Date.parse(expires) < Date.parse(e.expires_at))) e.expires_at = expires;
    byName.set(s.name, e);
  }
  const sessions = [...byName.values()].sort(
    (a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  for (const s of sessions) s.placements.sort();
  return { owner: ctx.owner.id, sessions, unavailable: actual.unavailable.map((u) => u.placement) };
}
