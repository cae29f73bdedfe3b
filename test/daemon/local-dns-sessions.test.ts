// Local DNS inside the local server: it answers for the sessions this machine serves and follows
// them as they are created and deleted through the admin API; every other name (the domain's
// apex, a teammate's session, a preview) goes to the upstream resolver, here a stand-in on a high
// loopback port.
import dgram from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dnsPacket from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../../src/daemon/server.js";
import { STANDIN_ADDRESS, startDnsUpstreamStandin, type DnsUpstreamStandin } from "../support/dns-upstream-standin.js";
import { DOMAIN, TEST_TOKEN, admin, putSession, spec } from "./proxy-fixtures.js";

let dir: string;
let server: LocalServer;
let upstream: DnsUpstreamStandin;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "linkup-local-dns-"));
  upstream = await startDnsUpstreamStandin();
  server = await startLocalServer({
    stateDir: dir,
    port: 0,
    adminPort: 0,
    dnsPort: 0,
    dnsUpstreams: [{ host: "127.0.0.1", port: upstream.port }],
    adminToken: TEST_TOKEN,
  });
});
afterAll(async () => {
  await server?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

function resolveA(name: string): Promise<string | undefined> {
  const socket = dgram.createSocket("udp4");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no DNS answer for ${name}`));
    }, 10_000);
    socket.once("message", (reply) => {
      clearTimeout(timer);
      socket.close();
      const decoded = dnsPacket.decode(reply);
      const a = decoded.answers?.find((x) => x.type === "A") as { data?: string } | undefined;
      resolve(a?.data);
    });
    socket.send(dnsPacket.encode({ type: "query", id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name, class: "IN" }] }), server.dnsPort!, "127.0.0.1");
  });
}

describe("local DNS follows this machine's sessions", () => {
  it("answers a session once it exists, forwards it once it is deleted, and never shadows the domain", async () => {
    expect(await resolveA(`mine.${DOMAIN}`)).toBe(STANDIN_ADDRESS);
    await putSession(server.adminUrl, "mine", spec("http://127.0.0.1:9"));
    expect(await resolveA(`mine.${DOMAIN}`)).toBe("127.0.0.1");
    expect(await resolveA(`deep.mine.${DOMAIN}`)).toBe("127.0.0.1");
    // The apex, real hosts and sessions that live elsewhere (previews, teammates) resolve as before.
    for (const other of [DOMAIN, `www.${DOMAIN}`, `pr-42.${DOMAIN}`, `teammate.${DOMAIN}`]) expect(await resolveA(other)).toBe(STANDIN_ADDRESS);

    const del = await admin(server.adminUrl, "DELETE", "/linkup/v1/sessions/mine");
    expect(del.status).toBe(204);
    expect(await resolveA(`mine.${DOMAIN}`)).toBe(STANDIN_ADDRESS);
  });
});
