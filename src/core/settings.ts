// Every setting Linkup reads from the environment, parsed by one pure function that the CLI and
// the local server both call, so the two processes cannot read the same variable differently.
// Strict: a value that does not parse is an error naming the variable (never a silent default),
// and every bad variable is reported at once. An empty value counts as unset. Flags that override
// a variable (the local server's --admin-port, ...) go through the same value parsers.
import type { LinkupConfig } from "./config.js";
import { DEFAULT_LOG_MAX_BYTES, DEFAULT_PORTS, DEFAULT_TUNNEL_TIMEOUT_MS } from "./defaults.js";
import { ConfigError } from "./errors.js";
import { ownerProblem } from "./owner.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** The variables, each spelled once. docs/cli.md and docs/local-server.md document them (a test checks). */
export const ENV = {
  home: "LINKUP_HOME",
  config: "LINKUP_CONFIG",
  owner: "LINKUP_OWNER",
  debug: "LINKUP_DEBUG",
  proxyHost: "LINKUP_PROXY_HOST",
  proxyPort: "LINKUP_PROXY_PORT",
  adminPort: "LINKUP_ADMIN_PORT",
  tunnelPort: "LINKUP_TUNNEL_PORT",
  workerPort: "LINKUP_WORKER_PORT",
  httpsPort: "LINKUP_HTTPS_PORT",
  dnsPort: "LINKUP_DNS_PORT",
  dnsUpstream: "LINKUP_DNS_UPSTREAM",
  localDns: "LINKUP_LOCAL_DNS",
  embeddedWorker: "LINKUP_EMBEDDED_WORKER",
  cloudflared: "LINKUP_CLOUDFLARED",
  tunnelTimeoutMs: "LINKUP_TUNNEL_TIMEOUT_MS",
  logMaxBytes: "LINKUP_LOG_MAX_BYTES",
  readyFd: "LINKUP_READY_FD",
  testResolveHosts: "LINKUP_TEST_RESOLVE_HOSTS",
  externalDiff: "LINKUP_EXTERNAL_DIFF",
  cloudflareAccountId: "CLOUDFLARE_ACCOUNT_ID",
  cloudflareZoneIds: "CLOUDFLARE_ZONE_IDS",
  cloudflareApiToken: "CLOUDFLARE_API_TOKEN",
  cloudflareApiBase: "CLOUDFLARE_API_BASE",
} as const;

export interface Ports {
  worker: number;
  proxy: number;
  admin: number;
  https: number;
  /** undefined: not set; the local server then uses the port `local-dns install` recorded, else the default. */
  dns: number | undefined;
  /**
   * The local server's tunnel listener. undefined: not set; the local server then uses 8792 (where
   * cloudflared's ingress points), or a free port when it hosts the embedded worker (which it tells).
   */
  tunnel: number | undefined;
}

export interface LinkupSettings {
  /** LINKUP_HOME as given (machine/state-dir.ts makes it absolute); undefined: ~/.linkup. */
  home: string | undefined;
  /** LINKUP_CONFIG: the config file(s) when neither -f nor --config is given (several: separated like PATH). */
  configFile: string | undefined;
  /** LINKUP_OWNER: the owner id recorded on your personal sessions (else the one in the state directory). */
  owner: string | undefined;
  /** LINKUP_DEBUG: stack traces in the CLI, detail lines in the local server's log. */
  debug: boolean;
  /** LINKUP_PROXY_HOST: where the local server's proxy (and HTTPS, DNS) listen. */
  proxyHost: string;
  ports: Ports;
  /** LINKUP_DNS_UPSTREAM: resolvers local DNS forwards to (`ip`, `ip:port`, `[ipv6]:port`); empty: the system's. */
  dnsUpstream: string[];
  /** LINKUP_LOCAL_DNS: force the local server's HTTPS and DNS on or off; undefined: on when installed. */
  localDns: boolean | undefined;
  /** LINKUP_EMBEDDED_WORKER: the local server also hosts the embedded worker (set by the CLI). */
  embeddedWorker: boolean;
  /** LINKUP_CLOUDFLARED: the cloudflared binary; undefined: the first on PATH. */
  cloudflared: string | undefined;
  /** LINKUP_TUNNEL_TIMEOUT_MS: how long to wait for a Cloudflare tunnel to connect and resolve. */
  tunnelTimeoutMs: number;
  /** LINKUP_LOG_MAX_BYTES: local-server.log is rotated beyond this size (at least 1024). */
  logMaxBytes: number;
  /** LINKUP_READY_FD (set by the CLI for the server it starts): where the server says it is ready. */
  readyFd: number | undefined;
  /** LINKUP_TEST_RESOLVE_HOSTS (tests only): names that count as resolving; `*.zone` matches subdomains. */
  testResolveHosts: string[];
  /**
   * LINKUP_EXTERNAL_DIFF: a diff program (with arguments, split on spaces) that `linkup diff` hands
   * the live and desired YAML trees to, as KUBECTL_EXTERNAL_DIFF; undefined: the built-in diff.
   */
  externalDiff: string | undefined;
  /** CLOUDFLARE_*: `linkup infra`'s credentials when no flag gives them. Never print apiToken. */
  cloudflare: { accountId: string | undefined; zoneIds: string[]; apiToken: string | undefined; apiBase: string | undefined };
}

/** A value parser: the parsed value, or the reason it does not parse (completing "<NAME> must ..."). */
type Parse<T> = (raw: string) => T | { problem: string };

function isProblem<T>(v: T | { problem: string }): v is { problem: string } {
  return typeof v === "object" && v !== null && "problem" in v;
}

const portValue: Parse<number> = (raw) => {
  // Digits only: Number() would accept " 80", "0x50" and "8e1".
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n <= 65535 ? n : { problem: `must be a port number (0-65535), not "${raw}"` };
};

const booleanValue: Parse<boolean> = (raw) => {
  const v = raw.toLowerCase();
  if (v === "1" || v === "true") return true;
  if (v === "0" || v === "false") return false;
  return { problem: `must be 1 or 0, not "${raw}"` };
};

const positiveIntegerValue: Parse<number> = (raw) => {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : { problem: `must be a whole number above 0, not "${raw}"` };
};

const logSizeValue: Parse<number> = (raw) => {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n >= 1024 ? n : { problem: `must be a number of bytes, at least 1024, not "${raw}"` };
};

const descriptorValue: Parse<number> = (raw) => {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n >= 3 ? n : { problem: `must be a file descriptor number (3 or more), not "${raw}"` };
};

const listValue: Parse<string[]> = (raw) =>
  raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

const textValue: Parse<string> = (raw) => raw;

const ownerValue: Parse<string> = (raw) => {
  const problem = ownerProblem(raw);
  return problem ? { problem: `must be an owner id (letters, digits, '.', '_', '@' and '-', at most 64), not "${raw.slice(0, 70)}"` } : raw;
};

/** The error for one or more unparsable values; the same text in the CLI and the local server. */
function settingsError(problems: string[]): ConfigError {
  return new ConfigError("invalid-setting", problems.join("; "), { hint: "fix the value, or unset the variable to use the default" });
}

/** Parses one flag or variable value, throwing the error `parseSettings` would (`name` is the flag or variable). */
export function parsePort(name: string, raw: string): number {
  const v = portValue(raw);
  if (isProblem(v)) throw settingsError([`${name} ${v.problem}`]);
  return v;
}

/** Every setting from the environment; a ConfigError naming each variable that does not parse. */
export function parseSettings(env: Env): LinkupSettings {
  const problems: string[] = [];
  function read<T>(name: string, parse: Parse<T>): T | undefined;
  function read<T>(name: string, parse: Parse<T>, fallback: T): T;
  function read<T>(name: string, parse: Parse<T>, fallback?: T): T | undefined {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const v = parse(raw);
    if (!isProblem(v)) return v;
    problems.push(`${name} ${v.problem}`);
    return fallback;
  }
  const settings: LinkupSettings = {
    home: read(ENV.home, textValue),
    configFile: read(ENV.config, textValue),
    owner: read(ENV.owner, ownerValue),
    debug: read(ENV.debug, booleanValue, false),
    proxyHost: read(ENV.proxyHost, textValue, "127.0.0.1"),
    ports: {
      worker: read(ENV.workerPort, portValue, DEFAULT_PORTS.worker),
      proxy: read(ENV.proxyPort, portValue, DEFAULT_PORTS.proxy),
      admin: read(ENV.adminPort, portValue, DEFAULT_PORTS.admin),
      https: read(ENV.httpsPort, portValue, DEFAULT_PORTS.https),
      dns: read(ENV.dnsPort, portValue),
      tunnel: read(ENV.tunnelPort, portValue),
    },
    dnsUpstream: read(ENV.dnsUpstream, listValue, []),
    localDns: read(ENV.localDns, booleanValue),
    embeddedWorker: read(ENV.embeddedWorker, booleanValue, false),
    cloudflared: read(ENV.cloudflared, textValue),
    tunnelTimeoutMs: read(ENV.tunnelTimeoutMs, positiveIntegerValue, DEFAULT_TUNNEL_TIMEOUT_MS),
    logMaxBytes: read(ENV.logMaxBytes, logSizeValue, DEFAULT_LOG_MAX_BYTES),
    readyFd: read(ENV.readyFd, descriptorValue),
    testResolveHosts: read(ENV.testResolveHosts, listValue, []),
    externalDiff: read(ENV.externalDiff, textValue),
    cloudflare: {
      accountId: read(ENV.cloudflareAccountId, textValue),
      zoneIds: read(ENV.cloudflareZoneIds, listValue, []),
      apiToken: read(ENV.cloudflareApiToken, textValue),
      apiBase: read(ENV.cloudflareApiBase, textValue),
    },
  };
  if (problems.length > 0) throw settingsError(problems);
  return settings;
}

/**
 * The variables the CLI sets for the local server it starts (on top of its own environment, which
 * the server inherits): the state directory it resolved, the admin port it will call, and whether
 * to host the embedded worker, on which port.
 */
/**
 * How the local server's process is started (`linkup start`, and the bench's copy of it), for the
 * Node version that runs it (`process.versions.node`). Every setting comes from profiles of a
 * proxied 10 MiB download (docs/benchmarks.md, "What changed"):
 *
 * - `--initial-old-space-size=64`: V8 starts a full mark-compact whenever the old generation's
 *   headroom is smaller than the young generation. The server's heap is small (about 15 MB) and a
 *   busy proxy grows the young generation to 16 MiB semi-spaces, so with V8's default limit a
 *   stream set off a full GC every 60-90 ms, a third of the proxy's CPU on Node 20.
 * - `--max-semi-space-size=2` (Node 24 and later): its V8 also starts one for every 64 MiB of
 *   socket buffers (external memory) allocated between two young collections; with small
 *   semi-spaces the young collections free those buffers first: 47 full GCs in 4 s of streaming
 *   became 1, at no cost at saturation (A/B, five rounds each). On Node 22 the same flag took 10
 *   to 1 but cost about 3 % of CPU per request at saturation, so 22 (like 20, where the first
 *   setting alone does it) goes without.
 * - glibc malloc: Node reads every socket into a fresh 64 KiB buffer, which glibc serves from the
 *   top of its heap and, once freed, hands back to the kernel (trim threshold 128 KiB), so each
 *   4 KiB moved paid a page fault and a zeroed page. Keeping up to 32 MiB of freed memory (and a
 *   fixed 1 MiB mmap threshold, which stops glibc from moving the trim threshold itself) removes
 *   that. Ignored by other C libraries (musl) and on macOS.
 *
 * Together: about 20 ms of CPU per proxied 10 MiB became about 7 (nginx: 6-8).
 */
export function localServerProcess(nodeVersion: string): { nodeFlags: string[]; env: Record<string, string> } {
  const major = Number(nodeVersion.replace(/^v/, "").split(".")[0]);
  return {
    nodeFlags: ["--initial-old-space-size=64", ...(major >= 24 ? ["--max-semi-space-size=2"] : [])],
    env: {
      MALLOC_TRIM_THRESHOLD_: String(32 * 1024 * 1024),
      MALLOC_MMAP_THRESHOLD_: String(1024 * 1024),
    },
  };
}

export function localServerEnv(settings: LinkupSettings, stateDir: string, embeddedWorker: boolean): Record<string, string> {
  return {
    [ENV.home]: stateDir,
    [ENV.adminPort]: String(settings.ports.admin),
    [ENV.embeddedWorker]: embeddedWorker ? "1" : "0",
    ...(embeddedWorker ? { [ENV.workerPort]: String(settings.ports.worker) } : {}),
  };
}

/** The local admin API on a port (always loopback). */
export function adminUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** The embedded worker on a port of this machine. */
export function embeddedWorkerUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** Whether a variable is given (non-empty), for settings whose default comes from elsewhere when it is not. */
export function isSet(env: Env, name: (typeof ENV)[keyof typeof ENV]): boolean {
  const raw = env[name];
  return raw !== undefined && raw !== "";
}

/** The worker the config talks to: its worker_url, else the embedded one on this machine. */
export function workerUrl(config: LinkupConfig, settings: LinkupSettings): { url: string; embedded: boolean } {
  if (config.linkup.worker_url) return { url: config.linkup.worker_url.replace(/\/+$/, ""), embedded: false };
  return { url: embeddedWorkerUrl(settings.ports.worker), embedded: true };
}
