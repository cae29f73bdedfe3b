// What `linkup init` writes: a commented linkup.yaml for a project's services, from
// `--service NAME=LOCAL_URL,REMOTE_URL` values (or the answers to its prompts). Pure: parsing the
// flag and rendering the text; src/operations/init.ts writes the files.
import { ConfigError } from "../core/errors.js";
import { isDnsLabel } from "../core/session-name.js";

export interface InitService {
  name: string;
  /** Your copy (what you run); at least one of local and remote. */
  local?: string;
  /** The shared deployed copy. */
  remote?: string;
}

export interface InitConfigInput {
  services: InitService[];
  /** Sessions are reached at `<session>.<domain>`. */
  domain: string;
  /** The `$schema` path for the editor modeline, relative to the config file. */
  schemaPath: string;
}

const SERVICE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function checkUrl(value: string, what: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ConfigError("init-invalid-url", `${what} ${JSON.stringify(value)} is not a URL`, { hint: "write it as http://localhost:3000 or https://web.example.com" });
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new ConfigError("init-invalid-url", `${what} ${JSON.stringify(value)} must be an http(s) URL`);
  return value;
}

export function checkServiceName(name: string): string {
  if (!SERVICE_NAME.test(name))
    throw new ConfigError("init-invalid-service", `service name ${JSON.stringify(name)} must be lowercase letters, digits, '-' or '_' (at most 63)`);
  return name;
}

/** `NAME=LOCAL_URL,REMOTE_URL`; either URL may be left empty (`api=,https://api.example.com`), not both. */
export function parseServiceFlag(value: string): InitService {
  const eq = value.indexOf("=");
  if (eq <= 0)
    throw new ConfigError("init-invalid-service", `--service ${JSON.stringify(value)} is not NAME=LOCAL_URL,REMOTE_URL`, {
      hint: "for example --service web=http://localhost:3000,https://web.example.com",
    });
  const name = checkServiceName(value.slice(0, eq).trim());
  const urls = value.slice(eq + 1).split(",").map((u) => u.trim());
  if (urls.length > 2)
    throw new ConfigError("init-invalid-service", `--service ${name}: expected LOCAL_URL,REMOTE_URL, got ${urls.length} comma-separated values`);
  const [local, remote] = urls;
  if (!local && !remote) throw new ConfigError("init-invalid-service", `--service ${name}: give its local URL, its remote URL, or both`);
  return {
    name,
    ...(local ? { local: checkUrl(local, `local URL of ${name}`) } : {}),
    ...(remote ? { remote: checkUrl(remote, `remote URL of ${name}`) } : {}),
  };
}

export function checkDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/\.$/, "");
  if (d.length > 253 || d.split(".").length < 2 || !d.split(".").every(isDnsLabel))
    throw new ConfigError("init-invalid-domain", `domain ${JSON.stringify(domain)} is not a domain name of two labels or more`, {
      hint: "for example --domain shop.test (sessions are then <session>.shop.test)",
    });
  return d;
}

/** The domain a project gets when none is given: `<directory name>.test`. */
export function defaultDomain(directoryName: string): string {
  const label = directoryName.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 50) || "app";
  return `${label}.test`;
}

/** Which services your personal session runs from your machine: the first, and any with no remote copy. */
export function personalLocals(services: InitService[]): string[] {
  return services.filter((s, i) => s.local && (i === 0 || !s.remote)).map((s) => s.name);
}

export function renderInitConfig(input: InitConfigInput): string {
  if (input.services.length === 0) throw new ConfigError("init-no-services", "linkup init needs at least one service");
  const names = new Set<string>();
  for (const s of input.services) {
    if (names.has(s.name)) throw new ConfigError("init-duplicate-service", `service ${s.name} is given twice`);
    names.add(s.name);
  }
  const [first, ...others] = input.services;
  const locals = personalLocals(input.services);
  const lines: string[] = [
    `# yaml-language-server: $schema=${input.schemaPath}`,
    "#",
    "# Linkup: run only the services you change; every other service comes from its shared deployed",
    "# copy. Written by `linkup init`; every key is described in the linkup package's",
    "# docs/configuration.md. Check this file with `linkup validate`.",
    "",
    "# No worker_url: Linkup runs its worker on this machine (the embedded default). To share",
    "# sessions with your team, deploy the worker (`linkup infra deploy`) and add:",
    "# linkup:",
    "#   worker_url: https://linkup.example.com",
    "#   worker_token: ${LINKUP_WORKER_TOKEN}",
    "",
    "services:",
    "  # local: your copy (what you run); remote: the shared deployed copy. At least one of them.",
  ];
  for (const s of input.services) {
    lines.push(`  - name: ${s.name}`);
    if (s.local) lines.push(`    local: ${s.local}`);
    if (s.remote) lines.push(`    remote: ${s.remote}`);
  }
  lines.push(
    "",
    "domains:",
    `  # A session is reached at <session>.${input.domain}. Until DNS points there, Linkup prints`,
    `  # http://<session>.${input.domain}.localhost:<port>/, which browsers and curl open with no setup.`,
    "  # Put your real domain here once the worker is deployed on it.",
    `  - domain: ${input.domain}`,
    `    default_service: ${first!.name}`,
  );
  if (others.length > 0) {
    lines.push("    routes: # path regexes, the first match wins; other paths go to the default service");
    for (const s of others) lines.push(`      - path: '^/${s.name}(/|$)'`, `        service: ${s.name}`);
  }
  lines.push(
    "",
    "sessions:",
    "  # Your personal session: no name, so Linkup generates one (e.g. slim-gecko) and remembers it.",
    `  # ${locals.length > 0 ? `${locals.join(", ")} from your machine` : "Nothing from your machine yet"}; every service not named here comes from its`,
    "  # remote copy. `linkup route local <service>` switches one while Linkup runs.",
    "  - type: tunneled",
  );
  if (locals.length > 0) {
    lines.push("    routes:");
    for (const name of locals) lines.push(`      ${name}: local`);
  }
  return lines.join("\n") + "\n";
}
