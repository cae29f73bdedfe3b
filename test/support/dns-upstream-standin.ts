// A stand-in for the system's upstream resolver, on a high loopback port (UDP and TCP, one port):
// answers every A query with an address of its own (192.0.2.53, TEST-NET-1) so a test can tell a
// forwarded answer from a local one, records what it was asked and how, and stays silent for the
// names it is told to ignore (to exercise timeouts and the next upstream).
import dgram from "node:dgram";
import net from "node:net";
import dnsPacket from "dns-packet";
import type { DecodedPacket, Packet } from "dns-packet";

export const STANDIN_ADDRESS = "192.0.2.53";

export interface DnsUpstreamStandin {
  port: number;
  /** Questions received, oldest first. */
  seen: { name: string; type: string; transport: "udp" | "tcp" }[];
  /** Names (lowercase) this resolver never answers. */
  silentFor: Set<string>;
  close(): Promise<void>;
}

function answer(query: DecodedPacket): Packet {
  const q = query.questions?.[0];
  return {
    type: "response",
    id: query.id ?? 0,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE,
    questions: query.questions ?? [],
    answers: q && q.type === "A" ? [{ type: "A", name: q.name, ttl: 300, class: "IN", data: STANDIN_ADDRESS }] : [],
  };
}

export async function startDnsUpstreamStandin(): Promise<DnsUpstreamStandin> {
  const seen: DnsUpstreamStandin["seen"] = [];
  const silentFor = new Set<string>();
  const reply = (message: Buffer, transport: "udp" | "tcp"): Buffer | null => {
    const query = dnsPacket.decode(message);
    const q = query.questions?.[0];
    if (q) seen.push({ name: q.name.toLowerCase(), type: q.type, transport });
    if (q && silentFor.has(q.name.toLowerCase())) return null;
    return dnsPacket.encode(answer(query));
  };
  for (let attempt = 0; ; attempt++) {
    const udp = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => udp.bind(0, "127.0.0.1", resolve));
    const port = udp.address().port;
    const sockets = new Set<net.Socket>();
    const tcp = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
      let pending = Buffer.alloc(0);
      socket.on("data", (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          const length = pending.readUInt16BE(0);
          const out = reply(pending.subarray(2, 2 + length), "tcp");
          pending = pending.subarray(2 + length);
          if (out === null) continue;
          const framed = Buffer.alloc(2 + out.length);
          framed.writeUInt16BE(out.length, 0);
          out.copy(framed, 2);
          socket.write(framed);
        }
      });
    });
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once("error", () => resolve(false));
      tcp.listen(port, "127.0.0.1", () => resolve(true));
    });
    if (!listening) {
      udp.close();
      if (attempt < 10) continue;
      throw new Error("no free port for the DNS stand-in");
    }
    udp.on("message", (message, rinfo) => {
      const out = reply(message, "udp");
      if (out !== null) udp.send(out, rinfo.port, rinfo.address);
    });
    return {
      port,
      seen,
      silentFor,
      close: async () => {
        for (const s of sockets) s.destroy();
        await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
      },
    };
  }
}
