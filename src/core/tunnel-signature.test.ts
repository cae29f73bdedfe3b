import { describe, expect, it } from "vitest";
import { REPLAY_WINDOW_MS, generateTunnelSecret, isTunnelSecret, signingPayload, tunnelSigner, type SignedRequest } from "./tunnel-signature.js";

const request: SignedRequest = {
  method: "GET",
  host: "brave-otter-k2m9xq.example.com",
  target: "/api/items?page=2",
  session: "brave-otter-k2m9xq",
  destination: "api",
};
const NOW = 1_760_000_000_000;

describe("tunnel signatures", () => {
  it("makes distinct 256-bit secrets", () => {
    const a = generateTunnelSecret();
    const b = generateTunnelSecret();
    expect(isTunnelSecret(a)).toBe(true);
    expect(a).not.toBe(b);
    expect(isTunnelSecret("short")).toBe(false);
  });

  it("verifies its own signature within the replay window, either side of the clock", async () => {
    const signer = tunnelSigner(generateTunnelSecret());
    const header = await signer.sign(request, NOW);
    expect(header).toMatch(/^t=\d+,v1=[A-Za-z0-9_-]{43}$/);
    expect(await signer.verify(request, header, NOW)).toEqual({ ok: true });
    expect(await signer.verify(request, header, NOW + REPLAY_WINDOW_MS - 1000)).toEqual({ ok: true });
    expect(await signer.verify(request, header, NOW - REPLAY_WINDOW_MS + 1000)).toEqual({ ok: true });
  });

  it("refuses a replay after the window, and one from the future", async () => {
    const signer = tunnelSigner(generateTunnelSecret());
    const header = await signer.sign(request, NOW);
    expect(await signer.verify(request, header, NOW + REPLAY_WINDOW_MS + 1000)).toMatchObject({ ok: false, reason: "stale" });
    expect(await signer.verify(request, header, NOW - REPLAY_WINDOW_MS - 1000)).toMatchObject({ ok: false, reason: "stale" });
  });

  it("binds method, host, target, session and destination", async () => {
    const signer = tunnelSigner(generateTunnelSecret());
    const header = await signer.sign(request, NOW);
    for (const changed of [
      { method: "POST" },
      { host: "other-session.example.com" },
      { target: "/api/items?page=3" },
      { target: "/admin" },
      { session: "other-session" },
      { destination: "web" },
    ])
      expect(await signer.verify({ ...request, ...changed }, header, NOW)).toEqual({ ok: false, reason: "bad-signature" });
    // Case of the method and host does not matter (both are case-insensitive on the wire).
    expect(await signer.verify({ ...request, method: "get", host: request.host.toUpperCase() }, header, NOW)).toEqual({ ok: true });
  });

  it("refuses another tunnel's secret", async () => {
    const header = await tunnelSigner(generateTunnelSecret()).sign(request, NOW);
    expect(await tunnelSigner(generateTunnelSecret()).verify(request, header, NOW)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses missing and malformed headers", async () => {
    const signer = tunnelSigner(generateTunnelSecret());
    expect(await signer.verify(request, undefined, NOW)).toEqual({ ok: false, reason: "missing" });
    expect(await signer.verify(request, "", NOW)).toEqual({ ok: false, reason: "missing" });
    const good = await signer.sign(request, NOW);
    const t = good.split(",")[0]!;
    for (const bad of ["garbage", `${t}`, `${t},v1=`, `${t},v1=abc`, "t=x,v1=" + "A".repeat(43), `${t},v1=${"!".repeat(43)}`, "t=1," + "v1=".repeat(100)])
      expect((await signer.verify(request, bad, NOW)).ok).toBe(false);
  });

  it("keeps fields apart so one cannot spill into the next", () => {
    const a = signingPayload({ ...request, target: "/a\nb", session: "c" }, 1);
    const b = signingPayload({ ...request, target: "/a", session: "b\nc" }, 1);
    expect(a).not.toBe(b);
  });
});
