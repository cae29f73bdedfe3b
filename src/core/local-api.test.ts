import { describe, expect, it } from "vitest";
import { parseTunnelConnectBody } from "./local-api.js";

const HOST = "linkup-tunnel-tiny-cow.tunnels.test";

describe("parseTunnelConnectBody", () => {
  it("accepts a run token and a hostname, lowercasing the hostname, with an optional session", () => {
    expect(parseTunnelConnectBody({ run_token: "rt", hostname: HOST.toUpperCase() })).toEqual({ ok: true, request: { run_token: "rt", hostname: HOST } });
    expect(parseTunnelConnectBody({ run_token: "rt", hostname: HOST, session: "tiny-cow" })).toEqual({
      ok: true,
      request: { run_token: "rt", hostname: HOST, session: "tiny-cow" },
    });
  });

  it("refuses a missing, empty or oversized token, a hostname that is not a DNS name, and a bad session", () => {
    const refused = [
      null,
      [],
      { hostname: HOST },
      { run_token: "", hostname: HOST },
      { run_token: "x".repeat(8193), hostname: HOST },
      { run_token: "rt" },
      { run_token: "rt", hostname: "localhost" },
      { run_token: "rt", hostname: "not a host.example" },
      { run_token: "rt", hostname: `${"a".repeat(64)}.example` },
      { run_token: "rt", hostname: HOST, session: "Tiny_Cow" },
      { run_token: "rt", hostname: HOST, session: 7 },
    ];
    for (const body of refused) {
      const r = parseTunnelConnectBody(body);
      expect(r.ok, JSON.stringify(body)?.slice(0, 80)).toBe(false);
      if (!r.ok) expect(r.code).toBe("invalid-tunnel");
    }
  });
});
