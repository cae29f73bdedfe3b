// Session lifetimes (`ttl: 72h` in linkup.yaml, `--ttl 7d` on create-preview): parsing, the
// canonical form stored in a spec, the defaults per session type, and when a record expires.
// Pure: the caller passes the clock in.
import type { SessionType } from "./config.js";

const UNITS = { m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
type Unit = keyof typeof UNITS;

/** Shortest and longest ttl accepted (Workers KV refuses expirations under a minute away). */
export const MIN_TTL_SECONDS = 60;
export const MAX_TTL_SECONDS = 365 * 86_400;
/** `ttl: none`: the session never expires (also the default of tunneled and isolated sessions). */
export const NO_TTL = "none";
/** Previews expire 7 days after their last write unless they say otherwise (Mentimeter's Linkup limit). */
export const DEFAULT_PREVIEW_TTL = "7d";

export const DURATION_HINT = "a duration such as 30m, 72h, 7d or 2w (units m, h, d, w; combine as 1d12h), or none";

// Anchored, one quantifier per group and no nesting: linear on any input.
const PART = /^(\d{1,6})([mhdw])/;

/** Seconds in a duration such as `72h`, `7d`, `1d12h`; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  let rest = text.trim().toLowerCase();
  if (rest === "" || rest.length > 40) return undefined;
  let seconds = 0;
  while (rest !== "") {
    const m = PART.exec(rest);
    if (!m) return undefined;
    seconds += Number(m[1]) * UNITS[m[2] as Unit];
    rest = rest.slice(m[0].length);
  }
  return seconds;
}

export type TtlResult = { ok: true; ttl: string } | { ok: false; message: string };

/** A ttl as written -> its canonical form (`168h` -> `1w`, `none` stays), or why it is refused. */
export function normaliseTtl(text: string): TtlResult {
  if (text.trim().toLowerCase() === NO_TTL) return { ok: true, ttl: NO_TTL };
  const seconds = parseDuration(text);
  if (seconds === undefined) return { ok: false, message: `ttl ${JSON.stringify(text)} is not ${DURATION_HINT}` };
  if (seconds < MIN_TTL_SECONDS) return { ok: false, message: `ttl ${JSON.stringify(text)} is shorter than the minimum of 1m` };
  if (seconds > MAX_TTL_SECONDS) return { ok: false, message: `ttl ${JSON.stringify(text)} is longer than the maximum of 365d` };
  return { ok: true, ttl: formatDuration(seconds) };
}

/** Seconds -> the shortest exact form (`259200` -> `3d`, `90000` -> `1d1h`). */
export function formatDuration(seconds: number): string {
  let rest = Math.floor(seconds / 60) * 60;
  let out = "";
  for (const unit of ["w", "d", "h", "m"] as const) {
    const n = Math.floor(rest / UNITS[unit]);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * UNITS[unit];
    }
  }
  return out || "0m";
}

/** The lifetime a session gets: its own ttl, else 7 days for previews and none for the others. Seconds, or null for none. */
export function effectiveTtlSeconds(spec: { type: SessionType; ttl?: string | undefined }): number | null {
  const ttl = spec.ttl ?? (spec.type === "preview" ? DEFAULT_PREVIEW_TTL : NO_TTL);
  if (ttl === NO_TTL) return null;
  return parseDuration(ttl) ?? null;
}

/** When a session written at `writtenAt` (ISO) expires (ISO), or null when it does not. */
export function expiresAt(spec: { type: SessionType; ttl?: string | undefined }, writtenAt: string): string | null {
  const ttl = effectiveTtlSeconds(spec);
  if (ttl === null) return null;
  return new Date(Date.parse(writtenAt) + ttl * 1000).toISOString();
}

/** True when a record carrying `expires_at` has expired at `now` (ms since epoch). */
export function isExpired(record: { expires_at?: string | null | undefined }, now: number): boolean {
  if (!record.expires_at) return false;
  const t = Date.parse(record.expires_at);
  return Number.isFinite(t) && t <= now;
}

/** "in 6d 23h", "in 42m", "expired 3h ago": for tables. */
export function describeExpiry(expires: string | null | undefined, now: number): string {
  if (!expires) return "never";
  const t = Date.parse(expires);
  if (!Number.isFinite(t)) return "?";
  const diff = Math.abs(t - now);
  const days = Math.floor(diff / 86_400_000);
  const hours = Math.floor((diff % 86_400_000) / 3_600_000);
  const minutes = Math.floor((diff % 3_600_000) / 60_000);
  const span = days > 0 ? `${days}d ${hours}h` : hours > 0 ? `${hours}h ${minutes}m` : `${Math.max(minutes, 1)}m`;
  return t > now ? `in ${span}` : `expired ${span} ago`;
}
