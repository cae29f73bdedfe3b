// Tunnel records in the LINKUP_TUNNELS KV namespace (key = session name): hand out a session's
// tunnel (provisioning it the first time), and remove tunnels nobody started for a while.
// The KV entry is the only memory of a Cloudflare tunnel, so it is deleted only after the
// provider confirmed the tunnel and its DNS record are gone.
import { LinkupError } from "../../core/errors.js";
import type { TunnelProvider, TunnelRecord } from "./tunnel-provider.js";

/** The part of Workers KV this module uses (KVNamespace satisfies it; tests can pass a Map-backed fake). */
export interface TunnelKv {
  get(key: string, type: "text"): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: { cursor?: string; limit?: number }): Promise<{
    keys: { name: string }[];
    list_complete: boolean;
    cursor?: string;
  }>;
}

export interface StartedTunnel {
  record: TunnelRecord;
  run_token: string | null;
}

export interface CleanupResult {
  /** Tunnels removed (provider resources and KV entry). */
  deleted: TunnelRecord[];
  /** Tunnels (or unreadable entries) that could not be removed; they are retried on the next run. */
  failed: { session: string; error: string }[];
  /** Number of tunnels still in use. */
  kept: number;
}

/** 7 days in ms; a tunnel whose last start is older than this is removed by the cron. */
export const DEFAULT_MAX_IDLE_MS = 7 * 24 * 60 * 60 * 1000;

function parseRecord(raw: string): TunnelRecord | undefined {
  try {
    const v = JSON.parse(raw) as Partial<TunnelRecord>;
    if (typeof v.tunnel_id === "string" && typeof v.last_started === "number" && (v.provider === "cloudflare" || v.provider === "direct")) {
      return v as TunnelRecord;
    }
  } catch {
    // reported by the caller
  }
  return undefined;
}

export async function readTunnel(kv: TunnelKv, session: string): Promise<TunnelRecord | undefined> {
  const raw = await kv.get(session, "text");
  return raw === null ? undefined : parseRecord(raw);
}

/**
 * The session's tunnel, provisioned on first use; a known tunnel gets `last_started = now`
 * (this is what keeps it alive through the cleanup cron). A tunnel that delivers elsewhere than
 * `ingress` asks for (undefined: the provider's default) is provisioned again, which re-points it.
 */
export async function startTunnel(kv: TunnelKv, provider: TunnelProvider, session: string, now: number, ingress?: string): Promise<StartedTunnel> {
  const existing = await readTunnel(kv, session);
  let record: TunnelRecord;
  if (existing && existing.provider === provider.kind && existing.ingress === ingress) {
    record = { ...existing, last_started: now };
  } else {
    record = { ...(await provider.provision(session, now, ingress)), ...(existing && existing.provider === provider.kind ? { created: existing.created } : {}) };
  }
  await kv.put(session, JSON.stringify(record));
  return { record, run_token: await provider.runToken(record) };
}

/** Every key, all pages read before anything is deleted (deleting while paging could skip keys). */
async function allKeys(kv: TunnelKv): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await kv.list(cursor ? { cursor } : {});
    names.push(...page.keys.map((k) => k.name));
    if (page.list_complete || !page.cursor) return names;
    cursor = page.cursor;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Removes every tunnel whose last start is more than `maxIdleMs` ago. One failure does not
 * stop the others; failed entries stay in KV so the next run retries them.
 */
export async function cleanupTunnels(
  kv: TunnelKv,
  provider: TunnelProvider,
  now: number,
  maxIdleMs: number = DEFAULT_MAX_IDLE_MS,
): Promise<CleanupResult> {
  const result: CleanupResult = { deleted: [], failed: [], kept: 0 };
  for (const session of await allKeys(kv)) {
    try {
      const raw = await kv.get(session, "text");
      if (raw === null) continue; // deleted meanwhile
      const record = parseRecord(raw);
      if (!record) {
        result.failed.push({ session, error: "unreadable tunnel record (left in place)" });
        continue;
      }
      if (now - record.last_started <= maxIdleMs) {
        result.kept++;
        continue;
      }
      if (record.provider !== provider.kind && record.provider !== "direct") {
        throw new LinkupError(
          "tunnel-provider-mismatch",
          `tunnel of session ${session} was made by the ${record.provider} provider, but this worker uses ${provider.kind}`,
        );
      }
      if (record.provider === provider.kind) await provider.destroy(record);
      await kv.delete(session);
      result.deleted.push(record);
    } catch (err) {
      result.failed.push({ session, error: message(err) });
    }
  }
  return result;
}
