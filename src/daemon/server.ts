// The local server: the proxy listener (HTTP, and HTTPS with on-the-fly certificates when local
// DNS is set up), the admin API on its own loopback listener, and optionally the DNS server, all
// sharing one registry of compiled sessions loaded from the state directory's file store.
// Sessions survive restarts because the file store is the source of truth; the registry follows
// it (admin writes apply at once, other processes' writes through a directory watch).
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { mkdirSync } from "node:fs";
import { API_VERSION } from "../core/api.js";
import { LinkupError } from "../core/errors.js";
import { fileStore } from "../store/file-store.js";
import type { LocalStatus } from "../core/local-api.js";
import { createAdminApi } from "./admin/admin-api.js";
import { loadOrCreateAdminToken } from "../machine/admin-token.js";
import { createProxyHandler } from "./proxy/proxy-handler.js";
import { createRequestLog, DEFAULT_REQUEST_LOG_SIZE, type RequestLog } from "./request-log.js";
import { createSessionRegistry } from "./session-registry.js";
import { startExpirySweeper } from "./session-expiry.js";
import { watchStoreFile } from "./store-watcher.js";
import { tunnelConnector, type TunnelConnectorOptions } from "./cloudflared/tunnel-connector.js";
import { DEFAULT_PORTS } from "../core/defaults.js";
import { checkBody } from "../core/check.js";
import { stateDirId } from "../machine/state-dir.js";
import { describePortHolder, portHolder } from "../machine/port-holder.js";
import type { DnsUpstream } from "./dns/dns-server.js";

/** The admin API is loopback-only whatever `host` the proxy uses. */
export const ADMIN_HOST = "127.0.0.1";

export interface LocalServerOptions {
  /** Where the proxy (and HTTPS, DNS) listen. The admin API always binds 127.0.0.1. */
  host?: string;
  /** 0 picks a free port (tests). */
  port?: number;
  adminPort?: number;
  stateDir: string;
  /** Defaults to `<stateDir>/admin-token`, created on first start. */
  adminToken?: string;
  /** Set to serve HTTPS with certificates minted for the configured domains (local DNS installed). */
  httpsPort?: number;
  /** Set to answer DNS (UDP and TCP) for the session hosts, forwarding the rest upstream. */
  dnsPort?: number;
  /** Resolvers DNS forwards to (default: the system's, from resolv.conf). */
  dnsUpstreams?: DnsUpstream[];
  /** Domains TLS signs for; default: every domain of every session. */
  domains?: () => string[];
  /** One line per notable event (never tokens or headers). */
  log?: (line: string) => void;
  /** Detail for LINKUP_DEBUG. */
  debug?: (line: string) => void;
  /** Upstream connections per origin (default 256; tests lower it). */
  upstreamConnections?: number;
  /** cloudflared's environment (LINKUP_CLOUDFLARED, PATH; default process.env) and restart backoff. */
  cloudflared?: Pick<TunnelConnectorOptions, "env" | "backoff" | "onChild">;
  /** Requests the request log keeps (docs/inspector.md); 0 keeps none and records nothing. Default 500. */
  requestLogSize?: number;
  /** Clock for session expiry (ms since epoch); default Date.now. Tests move it. */
  now?: () => number;
}

export interface LocalServer {
  proxyUrl: string;
  adminUrl: string;
  /** Set when HTTPS is served. */
  httpsUrl: string | null;
  /** Set when DNS is served. */
  dnsPort: number | null;
  /** The admin token in use (for the embedding process; never log it). */
  adminToken: string;
  /** The request log (null when off): the embedded worker's request lines join it here. */
  requestLog: RequestLog | null;
  /** Removes expired sessions now (it also happens once a minute); returns their names. */
  expireSessions(): Promise<string[]>;
  close(): Promise<void>;
}

/** A listener plus every socket it accepted, so close() also ends keep-alive and upgraded sockets. */
interface Listener {
  server: http.Server | https.Server;
  port: number;
  close(): Promise<void>;
}

/** Where a listener is and what to call it in a "port taken" message. */
interface ListenSpec {
  port: number;
  host: string;
  what: string;
  /** The variable that chooses this port, named in the hint. */
  setting: string;
  stateDir: string;
}

/** The error for a port already in use, naming who holds it (another Linkup: which one and how to stop it). */
async function portInUse(spec: ListenSpec, cause: unknown): Promise<LinkupError> {
  const holder = await portHolder(spec.host, spec.port, spec.stateDir);
  const { message, hint } = describePortHolder(spec.what, spec.host, spec.port, holder, spec.setting);
  return new LinkupError("port-in-use", message, { hint, cause });
}

function listen(server: http.Server | https.Server, spec: ListenSpec): Promise<Listener> {
  const { port, host, what } = spec;
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") portInUse(spec, error).then(reject, reject);
      else reject(new LinkupError("listen-failed", `${what} could not listen on ${host}:${port}: ${error.message}`, { cause: error }));
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          }),
      });
    });
  });
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? (() => {});
  const stateDir = options.stateDir;
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const token = options.adminToken ?? loadOrCreateAdminToken(stateDir);
  const store = fileStore(stateDir);
  const now = options.now ?? Date.now;
  const registry = createSessionRegistry({
    now,
    onCompileError: (name, error) => log(`session ${name} in ${store.path} is invalid and is not routed: ${(error as Error).message}`),
  });
  registry.replaceAll(store.listSync());
  const domains = options.domains ?? (() => registry.domains());
  const startedAt = new Date().toISOString();

  const listeners: Listener[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
    closers.length = 0;
  };

  const logSize = options.requestLogSize ?? DEFAULT_REQUEST_LOG_SIZE;
  const requestLog = logSize > 0 ? createRequestLog(logSize) : null;
  const stateId = stateDirId(stateDir);
  let adminPort = 0;

  try {
    const handler = createProxyHandler({
      registry,
      debug: options.debug,
      now,
      log,
      ...(requestLog ? { requestLog } : {}),
      ...(options.upstreamConnections !== undefined ? { maxSockets: options.upstreamConnections } : {}),
      check: () => checkBody("local-proxy", { stateId, adminPort }),
    });
    closers.push(() => handler.close());
    const sweeper = startExpirySweeper({ store, registry, now, log });
    closers.push(() => sweeper.close());

    // Reload from disk when another process replaces the sessions file; keep the last good state
    // when the file cannot be read (a hand edit in progress).
    let reloading = Promise.resolve();
    const watcher = watchStoreFile(store.path, () => {
      reloading = reloading
        .then(() => store.list())
        .then((records) => registry.replaceAll(records))
        .catch((error: unknown) => log(`could not reload ${store.path}: ${(error as Error).message}`));
    });
    closers.push(async () => {
      watcher.close();
      await reloading;
    });

    const proxyServer = http.createServer({ noDelay: true, keepAliveTimeout: 100_000 }, handler.web);
    proxyServer.on("upgrade", handler.upgrade);
    const proxy = await listen(proxyServer, { port: options.port ?? DEFAULT_PORTS.proxy, host, what: "the Linkup proxy", setting: "LINKUP_PROXY_PORT", stateDir });
    listeners.push(proxy);
    closers.push(() => proxy.close());

    let httpsPort: number | null = null;
    if (options.httpsPort !== undefined) {
      // Loaded only when asked for: node-forge is heavy and most runs serve plain HTTP.
      const [{ loadOrCreateCa }, { createCertMinter }, { createSniContext }] = await Promise.all([
        import("../machine/ca.js"),
        import("./tls/cert-minter.js"),
        import("./tls/https-server.js"),
      ]);
      const ca = await loadOrCreateCa(stateDir);
      const minter = createCertMinter({ ca, domains });
      const httpsServer = https.createServer({ SNICallback: createSniContext(minter), noDelay: true, keepAliveTimeout: 100_000 }, handler.web);
      httpsServer.on("upgrade", handler.upgrade);
      const secure = await listen(httpsServer, { port: options.httpsPort, host, what: "the Linkup HTTPS proxy", setting: "LINKUP_HTTPS_PORT", stateDir });
      listeners.push(secure);
      closers.push(() => secure.close());
      httpsPort = secure.port;
    }

    let dnsPort: number | null = null;
    if (options.dnsPort !== undefined) {
      const [{ createDnsServer }, { upstreamResolvers }] = await Promise.all([import("./dns/dns-server.js"), import("./dns/upstream-resolvers.js")]);
      // The port is known only after binding (0 in tests); the loop filter needs it.
      let upstreams: () => DnsUpstream[] = () => [];
      const dns = createDnsServer({ host, port: options.dnsPort, hosts: () => registry.hosts(), upstreams: () => upstreams() });
      dnsPort = (await dns.start()).port;
      upstreams = upstreamResolvers({ host, port: dnsPort }, options.dnsUpstreams);
      if (upstreams().length === 0) log("local DNS: no upstream resolver found in resolv.conf; names that are not session hosts get SERVFAIL (set LINKUP_DNS_UPSTREAM)");
      closers.push(() => dns.close());
    }

    // cloudflared belongs to this process: it keeps running after the CLI exits and ends with it.
    const tunnel = tunnelConnector({ stateDir, log, ...options.cloudflared });
    closers.push(() => tunnel.close());

    const status = async (): Promise<LocalStatus> => ({
      pid: process.pid,
      version: API_VERSION,
      ports: { proxy: proxy.port, admin: adminPort, https: httpsPort, dns: dnsPort },
      sessions: registry.size,
      started_at: startedAt,
      tunnel: await tunnel.status(),
    });
    const adminApi = createAdminApi({
      store,
      registry,
      token,
      port: () => adminPort,
      status,
      tunnel,
      requestLog,
      onError: (error) => log(`admin API error: ${(error as Error).message}`),
      check: () => checkBody("local-admin", { stateId, adminPort, stateDir }),
    });
    const adminServer = http.createServer(adminApi.listener);
    const admin = await listen(adminServer, {
      port: options.adminPort ?? DEFAULT_PORTS.admin,
      host: ADMIN_HOST,
      what: "the Linkup admin API",
      setting: "LINKUP_ADMIN_PORT",
      stateDir,
    });
    adminPort = admin.port;
    closers.push(() => admin.close());
    // Open request streams end first, so the listener's close finds no response still writing.
    closers.push(() => adminApi.close());

    return {
      proxyUrl: `http://${urlHost(host)}:${proxy.port}`,
      adminUrl: `http://${ADMIN_HOST}:${admin.port}`,
      httpsUrl: httpsPort === null ? null : `https://${urlHost(host)}:${httpsPort}`,
      dnsPort,
      adminToken: token,
      requestLog,
      expireSessions: () => sweeper.sweep(),
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
