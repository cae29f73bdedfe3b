// Fixtures shared by the core's unit tests: the session from the Foundation issue's example.
import type { SessionRecord, SessionSpec } from "./session.js";
import type { RequestView } from "./request.js";

export const exampleSpec: SessionSpec = {
  type: "tunneled",
  services: [
    { name: "api", route: "remote", remote: "https://api.remote.test", local: "http://127.0.0.1:4002", rewrites: [] },
    { name: "auth", route: "local", remote: "https://auth.remote.test", local: "http://127.0.0.1:4003", rewrites: [] },
    { name: "frontend", route: "remote", remote: "https://frontend.remote.test", local: "http://127.0.0.1:4001", rewrites: [] },
  ],
  domains: [
    { domain: "example.com", default_service: "frontend", routes: [{ path: "/auth.*", service: "auth" }] },
    { domain: "api.example.com", default_service: "api", routes: [] },
  ],
  cache_routes: ["^/static/"],
};

export function record(name: string, spec: SessionSpec = exampleSpec, extra: Partial<SessionRecord> = {}): SessionRecord {
  return {
    name,
    spec,
    version: 1,
    spec_hash: "x",
    managed_by: null,
    tunnel_url: null,
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
    ...extra,
  };
}

export function req(url: string, headers: Record<string, string> = {}): RequestView {
  const u = new URL(url);
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { host: u.host, path: u.pathname, header: (n) => lower[n] };
}
