// The local DNS server: answers 127.0.0.1 / ::1 for the session hosts this machine serves
// (`<session>.<domain>` for every session in the local server's store, and names under them), so
// the developer's browser reaches the local proxy for those without editing /etc/hosts. Every
// other query (the domain's apex and real hosts, previews and teammates' sessions that live in
// the worker) is forwarded to the system's upstream resolver and its answer passed back as is,
// so installing local DNS for a company domain shadows nothing. The set of hosts is read on
// every query, so sessions are followed as they come and go.
//
// Serves UDP and TCP on the same port (TCP: RFC 1035 4.2.2 two-byte length prefix; resolvers fall
// back to TCP on truncation and some tools use it directly); a query is forwarded over the
// transport it arrived on. Packets are decoded and encoded by dns-packet; the only bytes read by
// hand are the 16-bit ids and lengths that frame a packet.

import dgram from "node:dgram";
import net from "node:net";
import dnsPacket from "dns-packet";
import type { Answer, DecodedPacket, Packet, Question } from "dns-packet";
import { LinkupError } from "../../core/errors.js";
import { DEFAULT_PORTS } from "../../core/defaults.js";

/** A resolver queries are forwarded to. */
export interface DnsUpstream {
  host: string;
  port: number;
}

export interface DnsServerOptions {
  host?: string;
  /** 0 picks a free port (the same one for UDP and TCP). */
  port?: number;
  /** Session hosts answered locally (`<session>.<domain>`); read on every query, so sessions apply at once. */
  hosts: () => readonly string[];
  /** Resolvers for everything else, tried in order; read on every forwarded query. None: SERVFAIL. */
  upstreams: () => readonly DnsUpstream[];
  /** How long one upstream may take before the next is tried (default 2 s). */
  upstreamTimeoutMs?: number;
}

export interface DnsServer {
  start(): Promise<{ port: number }>;
  close(): Promise<void>;
}

export const DNS_TTL_SECONDS = 60;

// RFC 1035 4.1.1 RCODEs and opcode; dns-packet takes them as raw bits in `flags`.
const RCODE_FORMERR = 1;
const RCODE_SERVFAIL = 2;
const RCODE_NOTIMP = 4;
const OPCODE_QUERY = 0;

const DEFAULT_UPSTREAM_TIMEOUT_MS = 2000;
// Forwarded queries waiting on an upstream at once; past this, SERVFAIL rather than more sockets.
const MAX_IN_FLIGHT = 256;

// A TCP client that opens a connection and goes quiet should not hold a socket forever.
const TCP_IDLE_MS = 10_000;
// Our answers are tiny; advertise the size the DNS flag day 2020 recommends.
const EDNS_UDP_SIZE = 1232;

/** Lowercase, no trailing dot: DNS names compare case-insensitively (RFC 4343). */
function normaliseName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

/** The session host (zone apex) that is `name` or contains it, the longest one if several do. */
export function findZone(name: string, hosts: readonly string[]): string | null {
  const n = normaliseName(name);
  let best: string | null = null;
  for (const raw of hosts) {
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

/** Either an answer to send, or "ask the upstream resolver". */
export type DnsDecision = { kind: "answer"; packet: Packet } | { kind: "forward" };

/**
 * What to do with one decoded query. Pure: the servers below only frame bytes around it.
 * Session hosts (and names under them) are answered here, authoritatively; any other name is not
 * ours to answer, so it goes to the upstream resolver, which knows the real records.
 */
export function answerQuery(query: DecodedPacket, hosts: readonly string[]): DnsDecision {
  // `opcode` is decoded by dns-packet but missing from its type declarations.
  const opcode = (query as DecodedPacket & { opcode?: string }).opcode;
  if (opcode !== undefined && opcode !== "QUERY") return { kind: "answer", packet: baseResponse(query, RCODE_NOTIMP, false) };
  const questions = query.questions ?? [];
  // Every real resolver sends exactly one question (RFC 9619 made it a rule); more is malformed.
  if (questions.length !== 1) return { kind: "answer", packet: baseResponse(query, RCODE_FORMERR, false) };
  const question = questions[0];
  const klass = question.class ?? "IN";
  const zone = klass === "IN" || klass === "ANY" ? findZone(question.name, hosts) : null;
  if (zone === null) return { kind: "forward" };

  const response = baseResponse(query, 0, true);
  const answers = answersFor(question, zone);
  response.answers = answers;
  // NODATA (RFC 2308 2.2): NOERROR, empty answer, the zone's SOA in authority.
  if (answers.length === 0) response.authorities = [soaFor(zone)];
  return { kind: "answer", packet: response };
}

/** A decoded query, or the bytes to answer at once (FORMERR), or null for silence. */
type Received = { kind: "query"; query: DecodedPacket } | { kind: "reply"; bytes: Buffer } | null;

function receive(message: Buffer): Received {
  // Shorter than a header: not even an id to answer to.
  if (message.length < 12) return null;
  // A response arriving here is either spoofed or a loop; answering it could amplify the loop.
  if ((message[2] & 0x80) !== 0) return null;
  try {
    return { kind: "query", query: dnsPacket.decode(message) };
  } catch {
    // RFC 1035 4.1.1: FORMERR for what we cannot parse, echoing the id so the client stops waiting.
    const opcode = (message[2] >> 3) & 0x0f;
    if (opcode !== OPCODE_QUERY) return null;
    return { kind: "reply", bytes: dnsPacket.encode({ type: "response", id: message.readUInt16BE(0), flags: RCODE_FORMERR, questions: [], answers: [] }) };
  }
}

function encodeAnswer(query: DecodedPacket, packet: Packet): Buffer {
  try {
    return dnsPacket.encode(packet);
  } catch {
    // A question dns-packet decoded but cannot re-encode (odd types/classes): answer without it.
    return dnsPacket.encode({ type: "response", id: query.id ?? 0, flags: RCODE_FORMERR, questions: [], answers: [] });
  }
}

/** SERVFAIL for a query no upstream answered: the stub resolver may try again or elsewhere. */
function servfail(query: DecodedPacket): Buffer {
  return encodeAnswer(query, baseResponse(query, RCODE_SERVFAIL, false));
}

/**
 * Bytes in, bytes out (or null: some packets deserve silence) for the names answered locally;
 * `forward` is called for everything else. Never throws.
 */
export async function handleDnsMessage(
  message: Buffer,
  hosts: readonly string[],
  forward: (message: Buffer, query: DecodedPacket) => Promise<Buffer | null>,
): Promise<Buffer | null> {
  const received = receive(message);
  if (received === null) return null;
  if (received.kind === "reply") return received.bytes;
  const query = received.query;
  const decision = answerQuery(query, hosts);
  if (decision.kind === "answer") return encodeAnswer(query, decision.packet);
  try {
    return (await forward(message, query)) ?? servfail(query);
  } catch {
    return servfail(query);
  }
}

/** One UDP exchange with an upstream from a fresh socket (a random source port per query). */
function udpForward(message: Buffer, upstream: DnsUpstream, timeoutMs: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(net.isIPv6(upstream.host) ? "udp6" : "udp4");
    const id = message.readUInt16BE(0);
    const done = (reply: Buffer | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on("error", () => done(null));
    socket.on("message", (reply, rinfo) => {
      // Only the upstream's answer to this query counts (same address, port and id, a response).
      if (rinfo.port !== upstream.port || reply.length < 12 || reply.readUInt16BE(0) !== id || (reply[2] & 0x80) === 0) return;
      done(reply);
    });
    socket.send(message, upstream.port, upstream.host, (err) => {
      if (err) done(null);
    });
  });
}

/** One TCP exchange with an upstream: a framed query, a framed answer. */
function tcpForward(message: Buffer, upstream: DnsUpstream, timeoutMs: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const socket = net.connect(upstream.port, upstream.host);
    let pending = Buffer.alloc(0);
    const done = (reply: Buffer | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on("error", () => done(null));
    socket.on("close", () => done(null));
    socket.on("connect", () => {
      const framed = Buffer.alloc(2 + message.length);
      framed.writeUInt16BE(message.length, 0);
      message.copy(framed, 2);
      socket.write(framed);
    });
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) done(pending.subarray(2, 2 + pending.readUInt16BE(0)));
    });
  });
}

export function createDnsServer(options: DnsServerOptions): DnsServer {
  const host = options.host ?? "127.0.0.1";
  const requestedPort = options.port ?? DEFAULT_PORTS.dns;
  let udp: dgram.Socket | null = null;
  let tcp: net.Server | null = null;
  const connections = new Set<net.Socket>();

  const timeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  let inFlight = 0;

  /** Tries each upstream in turn over `transport`; null when none answered. */
  async function forward(message: Buffer, transport: "udp" | "tcp"): Promise<Buffer | null> {
    if (inFlight >= MAX_IN_FLIGHT) return null;
    let upstreams: readonly DnsUpstream[];
    try {
      upstreams = options.upstreams();
    } catch {
      upstreams = [];
    }
    inFlight++;
    try {
      for (const upstream of upstreams) {
        const reply = transport === "udp" ? await udpForward(message, upstream, timeoutMs) : await tcpForward(message, upstream, timeoutMs);
        if (reply !== null) return reply;
      }
      return null;
    } finally {
      inFlight--;
    }
  }

  const respond = (message: Buffer, transport: "udp" | "tcp"): Promise<Buffer | null> => {
    let hosts: readonly string[];
    try {
      hosts = options.hosts();
    } catch {
      hosts = [];
    }
    return handleDnsMessage(message, hosts, (m) => forward(m, transport));
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
        // A copy: the query may wait on an upstream while more data arrives on this connection.
        const message = Buffer.from(pending.subarray(2, 2 + length));
        pending = pending.subarray(2 + length);
        // Pipelined queries are answered as each is ready (RFC 7766 6.2.1.1 allows any order).
        void respond(message, "tcp").then((reply) => {
          if (reply === null || socket.destroyed) return;
          const framed = Buffer.alloc(2 + reply.length);
          framed.writeUInt16BE(reply.length, 0);
          reply.copy(framed, 2);
          socket.write(framed);
        });
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
          void respond(message, "udp").then((reply) => {
            if (reply === null) return;
            try {
              socket.send(reply, rinfo.port, rinfo.address);
            } catch {
              // closed while the upstream was answering
            }
          });
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
