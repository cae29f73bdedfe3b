// Live values for shell completion (`linkup __complete`): service names from the config, session
// names from the running local server (else the config's named sessions and the remembered
// personal session). Completion must be quick and must never fail loudly: every problem yields
// no candidates, and the local server gets a short timeout.
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { adminClient } from "../clients/admin-client.js";
import { configIdentity, configPath, loadConfig, type ConfigSource } from "../config/config-file.js";
import type { LinkupSettings } from "../core/settings.js";
import { rememberedPersonalName } from "../machine/personal-session.js";
import { stateDirPath } from "../machine/state-dir.js";

const LOCAL_TIMEOUT_MS = 500;

/** The names under a top-level list of the raw YAML, for a config that does not load (e.g. an unset ${VAR}). */
function rawNames(src: ConfigSource, key: "services" | "sessions"): string[] {
  try {
    const file = configPath(src);
    if (file === "-" || !existsSync(file)) return [];
    const doc = parse(readFileSync(file, "utf8")) as Record<string, unknown> | null;
    const list = doc?.[key];
    return Array.isArray(list) ? list.map((x) => (x as { name?: unknown })?.name).filter((n): n is string => typeof n === "string") : [];
  } catch {
    return [];
  }
}

function load(src: ConfigSource) {
  // `-f -` would read stdin: a shell completing a word has nothing there.
  if (configPath(src) === "-") return undefined;
  try {
    return loadConfig(src);
  } catch {
    return undefined;
  }
}

export function completionServices(src: ConfigSource): string[] {
  const loaded = load(src);
  return loaded ? loaded.config.services.map((s) => s.name) : rawNames(src, "services");
}

export async function completionSessions(src: ConfigSource, settings: LinkupSettings): Promise<string[]> {
  const stateDir = stateDirPath(settings);
  try {
    const live = await adminClient({ stateDir, adminPort: settings.ports.admin, timeoutMs: LOCAL_TIMEOUT_MS }).list();
    return live.map((r) => r.name).sort();
  } catch {
    // Not running (or not ours): what the config names.
  }
  const loaded = load(src);
  if (!loaded) return rawNames(src, "sessions");
  const personal = rememberedPersonalName(stateDir, configIdentity(loaded));
  const named = loaded.config.sessions.flatMap((s) => (s.name !== undefined ? [s.name] : []));
  return [...new Set([...(personal ? [personal] : []), ...named])].sort();
}
