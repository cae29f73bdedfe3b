// The local DNS server: authoritative for the configured domains only, so the developer's browser
// reaches the local proxy for `<session>.<domain>` without editing /etc/hosts. The OS sends us only
// queries for those domains (/etc/resolver/<domain> on macOS, `Domains=~<domain>` for
// systemd-resolved), so anything else that arrives here is a misrouted query, not our business.
//
// Serves UDP and TCP on the same port (TCP: RFC 1035 4.2.2 two-byte length prefix; resolvers fall
// back to TCP on truncation and some tools use it directly). Packets are decoded and encoded by
// dns-packet; the only bytes read by hand are the 16-bit ids and lengths that frame a packet.

import dgram from "node:dgram";
import net from "node:net";
import dnsPacket from "dns-packet";
import type { Answer, DecodedPacket, Packet, Question } from "dns-packet";
import { LinkupError } from "../../core/errors.js";
import { DEFAULT_PORTS } from "../../core/defaults.js";

export interface DnsServerOptions {
  host?: string;
  /** 0 picks a free port (the same one for UDP and TCP). */
  port?: number;
  /** Read on every query, so sessions and config changes apply without a restart. */
  domains: () => string[];
}

export interface DnsServer {
  start(): Promise<{ port: number }>;
  close(): Promise<void>;
}

export const DNS_TTL_SECONDS = 60;

// RFC 1035 4.1.1 RCODEs and opcode; dns-packet takes them as raw bits in `flags`.
const RCODE_FORMERR = 1;
const RCODE_NOTIMP = 4;
const RCODE_REFUSED = 5;
const OPCODE_QUERY = 0;

// A TCP client that opens a connection and goes quiet should not hold a socket forever.
const TCP_IDLE_MS = 10_000;
// Our answers are tiny; advertise the size the DNS flag day 2020 recommends.
const EDNS_UDP_SIZE = 1232;

/** Lowercase, no trailing dot: DNS names compare case-insensitively (RFC 4343). */
function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** The configured domain (zone apex) that contains `name`, the longest one if several do. */
export function findZone(name: string, domains: readonly string[]): string | null {
  const n = normaliseName(name);
  let best: string | null = null;
  for (const raw of domains) {
    const d = normaliseName(raw);
    if (d === "") continue;
    if ((n === d || n.endsWith(`.${d}`)) && (best === null || d.length > best.length)) best = d;
  }
  return best;
}

function soaFor(zone: string): Answer {
  // The SOA in a negative answer tells resolvers how long they may cache the "no data" (its
  // `minimum`, RFC 2308 section 5); keep it as short as our positive TTL.
  return {
    type: "SOA",
    name: zone,
    ttl: DNS_TTL_SECONDS,
    class: "IN",
    data: {
      mname: `ns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: DNS_TTL_SECONDS,
    },
  };
}

function hasEdns(query: DecodedPacket): boolean {
  return (query.additionals ?? []).some((a) => a.type === "OPT");
}

function baseResponse(query: DecodedPacket, rcode: number, authoritative: boolean): Packet {
  const flags =
    (query.flag_rd ? dnsPacket.RECURSION_DESIRED : 0) |
    (authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
    rcode;
  return {
    type: "response",
    id: query.id ?? 0,
    flags,
    questions: query.questions ?? [],
    answers: [],
    authorities: [],
    additionals: hasEdns(query)
      ? [{ type: "OPT", name: ".", udpPayloadSize: EDNS_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]
      : [],
  };
}

function answersFor(question: Question, zone: string): Answer[] {
  const name = question.name;
  switch (question.type as string) {
    case "A":
      return [{ type: "A", name, ttl: DNS_TTL_SECONDS, class: "IN", data: "127.0.0.1" }];
    case "AAAA":
      return [{ type: "AAAA", name, ttl: DNS_TTL_SECONDS, class: "IN", data: "::1" }];
    case "ANY":
      return [
        { type: "A", name, ttl: DNS_TTL_SECONDS, class: "IN", data: "127.0.0.1" },
        { type: "AAAA", name, ttl: DNS_TTL_SECONDS, class: "IN", data: "::1" },
      ];
    case "SOA":
      return normaliseName(name) === zone ? [{ ...soaFor(zone), name }] : [];
    default:
      return [];
  }
}

/**
 * The answer to one decoded query. Pure: the servers below only frame bytes around it.
 *
 * Names outside the configured domains get REFUSED, not NXDOMAIN: we are not a recursive resolver
 * and hold no authority over those names, so we must not claim they do not exist. An NXDOMAIN
 * would be cached by the OS resolver (RFC 2308) and could break a real name if routing ever sent
 * it here; REFUSED makes the stub move on to its next server and caches nothing.
 */
export function answerQuery(query: DecodedPacket, domains: readonly string[]): Packet {
  // `opcode` is decoded by dns-packet but missing from its type declarations.
  const opcode = (query as DecodedPacket & { opcode?: string }).opcode;
  if (opcode !== undefined && opcode !== "QUERY") return baseResponse(query, RCODE_NOTIMP, false);
  const questions = query.questions ?? [];
  // Every real resolver sends exactly one question (RFC 9619 made it a rule); more is malformed.
  if (questions.length !== 1) return baseResponse(query, RCODE_FORMERR, false);
  const question = questions[0];
  const klass = question.class ?? "IN";
  const zone = klass === "IN" || klass === "ANY" ? findZone(question.name, domains) : null;
  if (zone === null) return baseResponse(query, RCODE_REFUSED, false);

  const response = baseResponse(query, 0, true);
  const answers = answersFor(question, zone);
  response.answers = answers;
  // NODATA (RFC 2308 2.2): NOERROR, empty answer, the zone's SOA in authority.
  if (answers.length === 0) response.authorities = [soaFor(zone)];
  return response;
}

/** Bytes in, bytes out (or nothing: some packets deserve silence). Never throws. */
export function handleDnsMessage(message: Buffer, domains: readonly string[]): Buffer | null {
  // Shorter than a header: not even an id to answer to.
  if (message.length < 12) return null;
  // A response arriving here is either spoofed or a loop; answering it could amplify the loop.
  if ((message[2] & 0x80) !== 0) return null;
  let query: DecodedPacket;
  try {
    query = dnsPacket.decode(message);
  } catch {
    // RFC 1035 4.1.1: FORMERR for what we cannot parse, echoing the id so the client stops waiting.
    const opcode = (message[2] >> 3) & 0x0f;
    if (opcode !== OPCODE_QUERY) return null;
    return dnsPacket.encode({ type: "response", id: message.readUInt16BE(0), flags: RCODE_FORMERR, questions: [], answers: [] });
  }
  try {
    return dnsPacket.encode(answerQuery(query, domains));
  } catch {
    // A question dns-packet decoded but cannot re-encode (odd types/classes): answer without it.
    return dnsPacket.encode({ type: "response", id: query.id ?? 0, flags: RCODE_FORMERR, questions: [], answers: [] });
  }
}

export function createDnsServer(options: DnsServerOptions): DnsServer {
  const host = options.host ?? "127.0.0.1";
  const requestedPort = options.port ?? DEFAULT_PORTS.dns;
  let udp: dgram.Socket | null = null;
  let tcp: net.Server | null = null;
  const connections = new Set<net.Socket>();

  const respond = (message: Buffer): Buffer | null => {
    let domains: string[];
    try {
      domains = options.domains();
    } catch {
      domains = [];
    }
    return handleDnsMessage(message, domains);
  };

  function onTcpConnection(socket: net.Socket): void {
    connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on("close", () => connections.delete(socket));
    socket.on("error", () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // Several queries may arrive in one chunk (RFC 7766 pipelining), or one across chunks.
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (length === 0) {
          socket.destroy();
          return;
        }
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        const reply = respond(message);
        if (reply === null) continue;
        const framed = Buffer.alloc(2 + reply.length);
        framed.writeUInt16BE(reply.length, 0);
        reply.copy(framed, 2);
        socket.write(framed);
      }
    });
  }

  function bindUdp(port: number): Promise<dgram.Socket> {
    const family = net.isIPv6(host) ? "udp6" : "udp4";
    const socket = dgram.createSocket({ type: family });
    return new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(port, host, () => {
        socket.off("error", reject);
        // After bind, a send error (client gone, ICMP unreachable) must not kill the server.
        socket.on("error", () => {});
        socket.on("message", (message, rinfo) => {
          const reply = respond(message);
          if (reply !== null) socket.send(reply, rinfo.port, rinfo.address);
        });
        resolve(socket);
      });
    });
  }

  function bindTcp(port: number): Promise<net.Server> {
    const server = net.createServer(onTcpConnection);
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve(server);
      });
    });
  }

  async function closeUdp(socket: dgram.Socket): Promise<void> {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  async function closeTcp(server: net.Server): Promise<void> {
    for (const socket of connections) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  return {
    async start() {
      if (udp !== null) throw new LinkupError("DNS_ALREADY_STARTED", "The DNS server is already running.");
      // With port 0 the kernel picks the UDP port, which may be taken on TCP: retry a few times.
      const attempts = requestedPort === 0 ? 10 : 1;
      let lastError: unknown;
      for (let i = 0; i < attempts; i++) {
        let boundUdp: dgram.Socket | null = null;
        try {
          boundUdp = await bindUdp(requestedPort);
          const port = boundUdp.address().port;
          const boundTcp = await bindTcp(port);
          udp = boundUdp;
          tcp = boundTcp;
          return { port };
        } catch (error) {
          lastError = error;
          if (boundUdp !== null) await closeUdp(boundUdp);
        }
      }
      const code = (lastError as NodeJS.ErrnoException | undefined)?.code;
      if (code === "EADDRINUSE") {
        throw new LinkupError("DNS_PORT_IN_USE", `Cannot start the local DNS server: ${host}:${requestedPort} is already in use.`, {
          hint: "Stop the other process using that port (is another `linkup` running?), or choose another DNS port.",
          cause: lastError,
        });
      }
      throw new LinkupError("DNS_START_FAILED", `Cannot start the local DNS server on ${host}:${requestedPort}: ${String((lastError as Error)?.message ?? lastError)}`, {
        cause: lastError,
      });
    },
    async close() {
      const u = udp;
      const t = tcp;
      udp = null;
      tcp = null;
      await Promise.all([u ? closeUdp(u) : undefined, t ? closeTcp(t) : undefined]);
    },
  };
}
