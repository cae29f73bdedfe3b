// Tunnel request signatures: the worker signs every request it forwards into a developer's tunnel
// with that tunnel's secret, and the local server's tunnel listener refuses anything it cannot
// verify. One implementation for both hosts (WebCrypto HMAC-SHA256 runs in workerd and in Node);
// the caller passes the clock, so this module stays pure.
//
// What is signed: the method, the session host (x-forwarded-host as forwarded), the request target
// (path and query as sent to the tunnel), the session and service the worker picked, and a
// timestamp. A signature is accepted for REPLAY_WINDOW_MS either side of the listener's clock.

/** `t=<unix seconds>,v1=<base64url HMAC-SHA256>` on every request the worker sends into a tunnel. */
export const TUNNEL_SIGNATURE_HEADER = "linkup-tunnel-signature";
/** The session the worker routed the request for; the tunnel listener routes to exactly this one. */
export const TUNNEL_SESSION_HEADER = "linkup-session";
/** How far a signature's timestamp may lie from the verifier's clock, either way. */
export const REPLAY_WINDOW_MS = 60_000;

/** The parts of a forwarded request the signature binds. */
export interface SignedRequest {
  method: string;
  /** The session host the worker forwards (its x-forwarded-host value). */
  host: string;
  /** Path plus query string, exactly as sent to the tunnel (`/a/b?c=d`). */
  target: string;
  session: string;
  /** The service the worker picked (its linkup-destination value). */
  destination: string;
}

export type SignatureCheck =
  | { ok: true }
  | { ok: false; reason: "missing" | "malformed" | "bad-signature" }
  | { ok: false; reason: "stale"; skewMs: number };

export interface TunnelSigner {
  /** The header value for a request sent at `nowMs`. */
  sign(request: SignedRequest, nowMs: number): Promise<string>;
  /** Checks a header value against the request and the verifier's clock. */
  verify(request: SignedRequest, header: string | undefined, nowMs: number): Promise<SignatureCheck>;
}

/** A new per-tunnel secret: 32 random bytes, base64url (43 characters). */
export function generateTunnelSecret(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return toBase64Url(bytes);
}

/** True for a string generateTunnelSecret could have made (what the stores accept). */
export function isTunnelSecret(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9_-]{43}$/.test(value);
}

/** The exact bytes the MAC covers: one field per line, so no field can run into the next. */
export function signingPayload(request: SignedRequest, timestamp: number): string {
  const field = (v: string) => v.replace(/[\r\n]/g, " ");
  return [
    "linkup-tunnel-v1",
    String(timestamp),
    field(request.method.toUpperCase()),
    field(request.host.trim().toLowerCase()),
    field(request.target),
    field(request.session),
    field(request.destination),
  ].join("\n");
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** Byte equality whose time depends on the length only (the length of an HMAC is public). */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Splits `t=..,v1=..` without regular expressions over the (attacker-supplied) value. */
function parseHeader(header: string): { timestamp: number; mac: Uint8Array } | undefined {
  if (header.length > 200) return undefined;
  let t: string | undefined;
  let v1: string | undefined;
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1) return undefined;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") t = value;
    else if (key === "v1") v1 = value;
  }
  if (t === undefined || v1 === undefined || !/^\d{1,12}$/.test(t)) return undefined;
  const mac = fromBase64Url(v1);
  return mac && mac.length === 32 ? { timestamp: Number(t), mac } : undefined;
}

export function tunnelSigner(secret: string): TunnelSigner {
  let key: Promise<CryptoKey> | undefined;
  const hmacKey = () =>
    (key ??= crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]));
  const mac = async (request: SignedRequest, timestamp: number) =>
    new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(), new TextEncoder().encode(signingPayload(request, timestamp))));

  return {
    async sign(request, nowMs) {
      const timestamp = Math.floor(nowMs / 1000);
      return `t=${timestamp},v1=${toBase64Url(await mac(request, timestamp))}`;
    },
    async verify(request, header, nowMs) {
      if (header === undefined || header === "") return { ok: false, reason: "missing" };
      const parsed = parseHeader(header);
      if (!parsed) return { ok: false, reason: "malformed" };
      const skewMs = nowMs - parsed.timestamp * 1000;
      // The MAC is checked before the clock, so a forged header learns nothing from the answer's timing.
      const expected = await mac(request, parsed.timestamp);
      if (!constantTimeEqual(expected, parsed.mac)) return { ok: false, reason: "bad-signature" };
      if (Math.abs(skewMs) > REPLAY_WINDOW_MS) return { ok: false, reason: "stale", skewMs };
      return { ok: true };
    },
  };
}
