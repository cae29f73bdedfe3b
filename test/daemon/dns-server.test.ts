// The local DNS server over real UDP and TCP sockets, queried with dns-packet-encoded packets:
// session hosts answered locally, everything else forwarded to a stand-in upstream resolver on a
// high loopback port (test/support/dns-upstream-standin.ts).
import dgram from "node:dgram";
import net from "node:net";
import dnsPacket from "dns-packet";
import type { DecodedPacket as PacketWithoutRcode, Packet, RecordType } from "dns-packet";

/** dns-packet decodes the response code, but its types leave it out. */
type DecodedPacket = PacketWithoutRcode & { rcode?: string };
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDnsServer, type DnsServer, type DnsUpstream } from "../../src/daemon/dns/dns-server.js";
import { STANDIN_ADDRESS, startDnsUpstreamStandin, type DnsUpstreamStandin } from "../support/dns-upstream-standin.js";

let server: DnsServer;
let port: number;
let upstream: DnsUpstreamStandin;
let hosts = ["slim-gecko.example.test", "Brave-Otter.Other.Test"];
let upstreams: DnsUpstream[] = [];

beforeAll(async () => {
  upstream = await startDnsUpstreamStandin();
  upstreams = [{ host: "127.0.0.1", port: upstream.port }];
  server = createDnsServer({ port: 0, hosts: () => hosts, upstreams: () => upstreams, upstreamTimeoutMs: 300 });
  ({ port } = await server.start());
});
afterAll(async () => {
  await server.close();
  await upstream.close();
});

function query(name: string, type: RecordType, id = 4242): Packet {
  return { type: "query", id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: "IN" }] };
}

function udpExchange(message: Buffer, timeoutMs = 2000): Promise<Buffer | null> {
  const socket = dgram.createSocket("udp4");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.once("message", (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.send(message, port, "127.0.0.1");
  });
}

async function udpQuery(name: string, type: RecordType): Promise<DecodedPacket> {
  const reply = await udpExchange(dnsPacket.encode(query(name, type)), 5000);
  if (reply === null) throw new Error("no UDP answer");
  return dnsPacket.decode(reply);
}

/** Sends framed messages on one TCP connection and collects `expected` framed replies. */
function tcpExchange(frames: Buffer[], expected: number): Promise<DecodedPacket[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const replies: DecodedPacket[] = [];
    let pending = Buffer.alloc(0);
    socket.setTimeout(3000, () => {
      socket.destroy();
      reject(new Error("TCP timeout"));
    });
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0);
        replies.push(dnsPacket.decode(pending.subarray(2, 2 + length)));
        pending = pending.subarray(2 + length);
      }
      if (replies.length >= expected) {
        socket.destroy();
        resolve(replies);
      }
    });
    socket.on("connect", () => {
      for (const frame of frames) socket.write(frame);
    });
  });
}

function frame(packet: Packet): Buffer {
  const body = dnsPacket.encode(packet);
  const out = Buffer.alloc(2 + body.length);
  out.writeUInt16BE(body.length, 0);
  body.copy(out, 2);
  return out;
}

describe("UDP", () => {
  it("answers A 127.0.0.1 for a session host, authoritatively, TTL 60", async () => {
    const reply = await udpQuery("slim-gecko.example.test", "A");
    expect(reply.id).toBe(4242);
    expect(reply.rcode).toBe("NOERROR");
    expect(reply.flag_aa).toBe(true);
    expect(reply.flag_rd).toBe(true);
    expect(reply.answers).toEqual([
      expect.objectContaining({ type: "A", name: "slim-gecko.example.test", ttl: 60, data: "127.0.0.1" }),
    ]);
  });

  it("answers AAAA ::1 for session hosts and names under them, case-insensitively", async () => {
    for (const name of ["SLIM-gecko.example.test", "a.b.slim-gecko.EXAMPLE.test", "brave-otter.other.test."]) {
      const reply = await udpQuery(name, "AAAA");
      expect(reply.rcode).toBe("NOERROR");
      expect(reply.answers).toHaveLength(1);
      expect(reply.answers?.[0]).toMatchObject({ type: "AAAA", ttl: 60, data: "::1" });
    }
  });

  it("gives NODATA (NOERROR, no answers, SOA in authority) for other types of a session host", async () => {
    const reply = await udpQuery("slim-gecko.example.test", "MX");
    expect(reply.rcode).toBe("NOERROR");
    expect(reply.flag_aa).toBe(true);
    expect(reply.answers).toEqual([]);
    expect(reply.authorities).toEqual([expect.objectContaining({ type: "SOA", name: "slim-gecko.example.test" })]);
  });

  it("answers SOA at the session host", async () => {
    const reply = await udpQuery("slim-gecko.example.test", "SOA");
    expect(reply.answers).toEqual([expect.objectContaining({ type: "SOA", name: "slim-gecko.example.test" })]);
  });

  it("forwards the domain's apex, its real hosts, other sessions and other domains to the upstream", async () => {
    for (const name of ["example.test", "www.example.test", "teammate.example.test", "slim-gecko-2.example.test", "example.com"]) {
      const before = upstream.seen.length;
      const reply = await udpQuery(name, "A");
      expect(reply.rcode, name).toBe("NOERROR");
      expect(reply.flag_aa).toBe(false);
      expect(reply.answers).toEqual([expect.objectContaining({ type: "A", name, data: STANDIN_ADDRESS })]);
      expect(upstream.seen.slice(before)).toEqual([{ name, type: "A", transport: "udp" }]);
    }
  });

  it("never asks the upstream about a session host", async () => {
    const before = upstream.seen.length;
    await udpQuery("slim-gecko.example.test", "A");
    await udpQuery("x.slim-gecko.example.test", "TXT");
    expect(upstream.seen.length).toBe(before);
  });

  it("reads the session hosts on every query: a new session answers locally, a removed one is forwarded", async () => {
    const before = hosts;
    hosts = ["late-owl.example.test"];
    try {
      expect((await udpQuery("late-owl.example.test", "A")).answers?.[0]).toMatchObject({ data: "127.0.0.1" });
      expect((await udpQuery("slim-gecko.example.test", "A")).answers?.[0]).toMatchObject({ data: STANDIN_ADDRESS });
    } finally {
      hosts = before;
    }
  });

  it("tries the next upstream when one does not answer, and answers SERVFAIL when none does", async () => {
    const silent = await startDnsUpstreamStandin();
    silent.silentFor.add("quiet.example.test");
    silent.silentFor.add("nobody-knows.example.test");
    upstream.silentFor.add("nobody-knows.example.test");
    const saved = upstreams;
    upstreams = [{ host: "127.0.0.1", port: silent.port }, ...saved];
    try {
      const reply = await udpQuery("quiet.example.test", "A");
      expect(reply.answers?.[0]).toMatchObject({ data: STANDIN_ADDRESS });
      expect(silent.seen.map((q) => q.name)).toContain("quiet.example.test");
      const failed = await udpQuery("nobody-knows.example.test", "A");
      expect(failed.rcode).toBe("SERVFAIL");
      expect(failed.id).toBe(4242);
    } finally {
      upstreams = saved;
      upstream.silentFor.delete("nobody-knows.example.test");
      await silent.close();
    }
  });

  it("answers SERVFAIL when there is no upstream at all", async () => {
    const saved = upstreams;
    upstreams = [];
    try {
      expect((await udpQuery("example.com", "A")).rcode).toBe("SERVFAIL");
      expect((await udpQuery("slim-gecko.example.test", "A")).rcode).toBe("NOERROR");
    } finally {
      upstreams = saved;
    }
  });

  it("echoes EDNS when a query for a session host carries an OPT record", async () => {
    const packet: Packet = {
      ...query("a.slim-gecko.example.test", "A"),
      additionals: [{ type: "OPT", name: ".", udpPayloadSize: 4096, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
    };
    const reply = dnsPacket.decode((await udpExchange(dnsPacket.encode(packet)))!);
    expect(reply.additionals?.some((a) => a.type === "OPT")).toBe(true);
    expect(reply.answers).toHaveLength(1);
  });

  it("survives malformed packets: FORMERR for a bad body, silence for a runt, then still answers", async () => {
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff]);
    const formerr = await udpExchange(garbage);
    expect(formerr).not.toBeNull();
    const decoded: DecodedPacket = dnsPacket.decode(formerr!);
    expect(decoded.id).toBe(0x1234);
    expect(decoded.rcode).toBe("FORMERR");

    expect(await udpExchange(Buffer.from([1, 2, 3]), 300)).toBeNull();
    // A packet with the response bit set is never answered (no reflection loops).
    const response = dnsPacket.encode({ type: "response", id: 1, questions: [{ type: "A", name: "a.example.test" }], answers: [] });
    expect(await udpExchange(response, 300)).toBeNull();

    expect((await udpQuery("still.slim-gecko.example.test", "A")).rcode).toBe("NOERROR");
  });

  it("answers FORMERR to a query with no question", async () => {
    const reply = await udpExchange(dnsPacket.encode({ type: "query", id: 7, questions: [] }));
    expect((dnsPacket.decode(reply!) as DecodedPacket).rcode).toBe("FORMERR");
  });
});

describe("TCP", () => {
  it("answers length-framed queries, several pipelined on one connection, forwarding over TCP", async () => {
    const before = upstream.seen.length;
    const replies = await tcpExchange(
      [frame(query("slim-gecko.example.test", "A", 1)), frame(query("slim-gecko.example.test", "AAAA", 2)), frame(query("example.com", "A", 3))],
      3,
    );
    const byId = new Map(replies.map((r) => [r.id, r]));
    expect(byId.get(1)?.answers?.[0]).toMatchObject({ type: "A", data: "127.0.0.1", ttl: 60 });
    expect(byId.get(2)?.answers?.[0]).toMatchObject({ type: "AAAA", data: "::1", ttl: 60 });
    expect(byId.get(3)?.answers?.[0]).toMatchObject({ type: "A", data: STANDIN_ADDRESS });
    expect(upstream.seen.slice(before)).toEqual([{ name: "example.com", type: "A", transport: "tcp" }]);
  });

  it("reassembles a query split across writes", async () => {
    const whole = frame(query("split.slim-gecko.example.test", "A", 9));
    const reply = await new Promise<DecodedPacket>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.write(whole.subarray(0, 1));
        setTimeout(() => socket.write(whole.subarray(1, 10)), 20);
        setTimeout(() => socket.write(whole.subarray(10)), 40);
      });
      socket.setTimeout(3000, () => {
        socket.destroy();
        reject(new Error("timeout"));
      });
      socket.on("error", reject);
      socket.on("data", (chunk: Buffer) => {
        socket.destroy();
        resolve(dnsPacket.decode(chunk.subarray(2)));
      });
    });
    expect(reply.id).toBe(9);
    expect(reply.answers?.[0]).toMatchObject({ data: "127.0.0.1" });
  });

  it("keeps serving after a client sends garbage", async () => {
    await new Promise<void>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.write(Buffer.from([0x00, 0x05, 1, 2, 3, 4, 5]));
        socket.write(Buffer.from([0x00, 0x00]));
      });
      socket.on("error", () => resolve());
      socket.on("close", () => resolve());
      socket.setTimeout(1000, () => socket.destroy());
    });
    const [reply] = await tcpExchange([frame(query("ok.slim-gecko.example.test", "A", 5))], 1);
    expect(reply.rcode).toBe("NOERROR");
  });
});

describe("lifecycle", () => {
  it("reports a taken port as DNS_PORT_IN_USE", async () => {
    const other = createDnsServer({ port, hosts: () => [], upstreams: () => [] });
    await expect(other.start()).rejects.toMatchObject({ code: "DNS_PORT_IN_USE" });
    await other.close();
  });
});
