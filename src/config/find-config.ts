// Which files make up the config: `-f` (repeatable; `-` is stdin, a directory means its
// linkup.yaml), else `--config`, else $LINKUP_CONFIG (a list separated like PATH), else the
// nearest linkup.yaml in the current folder or a folder above it (as compose and wrangler look).
// The local override is linkup.local.yaml beside the first file.
import { existsSync, statSync } from "node:fs";
import { basename, delimiter, dirname, join, resolve } from "node:path";
import { ConfigError } from "../core/errors.js";

export const CONFIG_FILE_NAME = "linkup.yaml";

export interface ConfigSource {
  /** `-f/--file`, in the order given; `-` reads stdin. */
  file?: string | string[];
  /** `--config` (the Mentimeter Linkup spelling), used when no `-f` is given. */
  config?: string | string[];
  /** LINKUP_CONFIG, as parsed into settings.configFile (core/settings.ts): one path, or several separated like PATH. */
  envFile?: string;
  /** For `${VAR}` interpolation in the config. */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** Contents of stdin, when a file is `-`. */
  stdin?: string;
}

export interface ConfigFiles {
  /** Team files, absolute, in merge order; `-` for stdin. */
  team: string[];
  /** Where the local override would be (it may not exist); undefined when the first file is stdin. */
  local: string | undefined;
  /** Directory relative paths (service `directory`) resolve against: the first file's. */
  baseDir: string;
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).filter((s) => s !== "");
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** One named entry: stdin, a file, or a directory holding linkup.yaml. */
function resolveEntry(entry: string, cwd: string): string {
  if (entry === "-") return "-";
  const path = resolve(cwd, entry);
  if (isDirectory(path)) {
    const inside = join(path, CONFIG_FILE_NAME);
    if (isFile(inside)) return inside;
    throw new ConfigError("config-is-directory", `${path} is a directory, and it has no ${CONFIG_FILE_NAME}`, {
      hint: `pass the config file itself (-f FILE), or a directory that holds ${CONFIG_FILE_NAME}`,
    });
  }
  if (!existsSync(path))
    throw new ConfigError("config-not-found", `config file ${path} not found`, {
      hint: `write one with \`linkup init\` (or pass -f FILE, or set LINKUP_CONFIG)`,
    });
  return path;
}

/** The nearest linkup.yaml in `cwd` or a folder above it. */
export function findUpward(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (isFile(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The override beside a config file: linkup.yaml -> linkup.local.yaml. */
export function localOverridePath(file: string): string {
  const name = basename(file);
  const dot = name.lastIndexOf(".");
  const local = dot > 0 ? `${name.slice(0, dot)}.local${name.slice(dot)}` : `${name}.local`;
  return join(dirname(file), local);
}

export function configFiles(src: ConfigSource = {}): ConfigFiles {
  const cwd = resolve(src.cwd ?? process.cwd());
  let named = list(src.file);
  if (named.length === 0) named = list(src.config);
  if (named.length === 0 && src.envFile) named = src.envFile.split(delimiter).filter((s) => s !== "");
  let team: string[];
  if (named.length > 0) {
    if (named.filter((n) => n === "-").length > 1) throw new ConfigError("config-stdin-twice", "stdin (-f -) can be read only once");
    team = named.map((n) => resolveEntry(n, cwd));
  } else {
    const found = findUpward(cwd);
    if (!found)
      throw new ConfigError("config-not-found", `no ${CONFIG_FILE_NAME} in ${cwd} or any folder above it`, {
        hint: `write one with \`linkup init\` (or pass -f FILE, or set LINKUP_CONFIG)`,
      });
    team = [found];
  }
  const first = team[0]!;
  return {
    team,
    local: first === "-" ? undefined : localOverridePath(first),
    baseDir: first === "-" ? (team.find((f) => f !== "-") ? dirname(team.find((f) => f !== "-")!) : cwd) : dirname(first),
  };
}
