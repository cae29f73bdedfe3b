// Loads the config: the team files (`-f a.yaml -f b.yaml`, merged in order) and the person's
// linkup.local.yaml on top (layers.ts says what each may set). YAML with source positions,
// `${VAR}` interpolation, JSON Schema validation (ajv, every error at once) and the core's
// semantic checks. Every problem is reported together, each with file:line:column, the YAML path
// and a sentence. The result keeps where each value was written and which variables it came from
// (`linkup config view --show-origin`).
import { readFileSync, statSync } from "node:fs";
import { basename, delimiter, resolve } from "node:path";
import type { ErrorObject } from "ajv";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from "yaml";
import { configSchema } from "../core/config-schema.js";
import { normaliseConfig, type LinkupConfig, type RawConfig } from "../core/config.js";
import { ConfigError } from "../core/errors.js";
import { envRefs as refsOf, interpolate, type EnvRef } from "../core/interpolate.js";
import type { Problem } from "../core/session.js";
import { validateConfig } from "../core/validate-config.js";
import { configFiles, type ConfigSource } from "./find-config.js";
import { isObject, mergeLocalLayer, mergeTeamLayer, Provenance, type YamlPath } from "./layers.js";

export { configFiles, findUpward, localOverridePath, type ConfigFiles, type ConfigSource } from "./find-config.js";
export type { YamlPath } from "./layers.js";

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export class ConfigDiagnosticsError extends ConfigError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(
      "config-invalid",
      `${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"} in the config:\n` +
        diagnostics.map(formatDiagnostic).join("\n"),
    );
    this.diagnostics = diagnostics;
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.path ? d.path + ": " : ""}${d.message}`;
}

interface ParsedFile {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
  /** Path (inside this file) -> the `${VAR}`s its value was written with. */
  envRefs: Map<string, EnvRef[]>;
}

/** resolve: `${VAR}` replaced from the environment; symbolic: left as written (for review, offline). */
export type Interpolation = "resolve" | "symbolic";

type SchemaValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

// The build writes a precompiled validator beside this file (dist/config/config-validator.js);
// from source (tests) the schema is compiled at first use. Both come from the same schema.
let precompiled: SchemaValidator | undefined;
try {
  const mod = (await import(new URL("./config-validator.js", import.meta.url).href)) as { default: SchemaValidator };
  precompiled = mod.default;
} catch {
  precompiled = undefined;
}

const validateSchema: SchemaValidator =
  precompiled ??
  new (await import("ajv/dist/2020.js")).Ajv2020({ allErrors: true, strict: false }).compile(configSchema as object);

function schemaValidator(): SchemaValidator {
  return validateSchema;
}

function positionOf(p: ParsedFile, path: (string | number)[], atKey = false): { line: number; column: number } {
  // Walk down as far as the path exists, so a missing key points at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node = p.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && node.range && !(atKey && n === path.length)) {
      const pos = p.lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
    if (n > 0) {
      // For a map key, point at the key itself.
      const parent = p.doc.getIn(path.slice(0, n - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === path[n - 1]);
        if (pair && isScalar(pair.key) && pair.key.range) {
          const pos = p.lines.linePos(pair.key.range[0]);
          return { line: pos.line, column: pos.col };
        }
      }
    }
  }
  return { line: 1, column: 1 };
}

function diag(p: ParsedFile, path: (string | number)[], message: string, atKey = false): Diagnostic {
  return { file: p.file, ...positionOf(p, path, atKey), path: formatPath(path), message };
}

export function formatPath(path: (string | number)[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/** Expansions of one anchor yaml allows (its own guard against alias bombs). */
const MAX_ALIAS_COUNT = 100;

function parseFile(
  file: string,
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  out: Diagnostic[],
  interpolation: Interpolation,
): ParsedFile | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const p: ParsedFile = { file, doc, lines, value: undefined, envRefs: new Map() };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      out.push({ file, line: pos.line, column: pos.col, path: "", message: `YAML syntax: ${e.message.split("\n")[0]}` });
    }
    return undefined;
  }
  // Interpolate every string scalar value in place (remembering the variables each used and where
  // each problem is); symbolic: only remember the variables.
  visit(doc, {
    Scalar(key, node, pathNodes) {
      if (key === "key" || typeof node.value !== "string") return;
      const refs = refsOf(node.value, env);
      if (refs.length > 0) p.envRefs.set(JSON.stringify(pathOf(pathNodes)), refs);
      if (interpolation === "symbolic") return;
      const r = interpolate(node.value, env);
      if (r.ok) node.value = r.value;
      else {
        const pos = node.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
        const yamlPath = formatPath(pathOf(pathNodes));
        for (const name of r.missing)
          out.push({
            file,
            line: pos.line,
            column: pos.col,
            path: yamlPath,
            message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
          });
      }
    },
  });
  try {
    p.value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    // yaml refuses to expand an alias bomb ("billion laughs"): point at the first alias.
    let at: { line: number; col: number } = { line: 1, col: 1 };
    let alias = "";
    visit(doc, {
      Alias(_key, node) {
        if (node.range) at = lines.linePos(node.range[0]);
        alias = node.source;
        return visit.BREAK;
      },
    });
    const bomb = /alias count|resource exhaustion/i.test((error as Error).message);
    out.push({
      file,
      line: at.line,
      column: at.col,
      path: "",
      message: bomb
        ? `YAML aliases expand too far: an anchor is used more than ${MAX_ALIAS_COUNT} times once aliases are expanded (from *${alias} on), which would build a document far larger than the file (an alias bomb); write the values out or use fewer aliases`
        : `YAML: ${(error as Error).message}`,
    });
    return undefined;
  }
  return p;
}

function pathOf(pathNodes: readonly unknown[]): YamlPath {
  const parts: (string | number)[] = [];
  for (let i = 0; i < pathNodes.length; i++) {
    const n = pathNodes[i];
    const next = pathNodes[i + 1];
    if (isSeq(n) && next) parts.push(n.items.indexOf(next as never));
    else if (isMap(n) && next) {
      // next is a Pair
      const pair = next as { key?: unknown };
      if (isScalar(pair.key)) parts.push(String(pair.key.value));
    }
  }
  return parts;
}

function schemaMessage(e: ErrorObject): { path: (string | number)[]; message: string; atKey?: boolean } {
  const path = e.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  switch (e.keyword) {
    case "additionalProperties":
      return {
        path: [...path, (e.params as any).additionalProperty],
        message: `unknown key "${(e.params as any).additionalProperty}"`,
        atKey: true,
      };
    case "required":
      return { path, message: `missing required key "${(e.params as any).missingProperty}"` };
    case "enum":
      return { path, message: `must be one of ${((e.params as any).allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    case "type":
      return { path, message: `must be ${String((e.params as any).type).replace(",", " or ")}` };
    default:
      return { path, message: e.message ?? "is invalid" };
  }
}


/** One file's text, named as it should appear in messages (`<stdin>` for stdin). */
export interface ConfigText {
  file: string;
  text: string;
}

export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface EffectiveOptions {
  /** Default resolve. symbolic keeps `${VAR}` as written and skips checks on such values. */
  interpolation?: Interpolation;
}

/** The config after merging every layer: what Linkup acts on, and where each value came from. */
export interface EffectiveConfig {
  /** Team files and the local override together; `sessions[].personal` marks one person's sessions. */
  config: LinkupConfig;
  /** The team files alone: shared sessions are computed from this, so they are the same for everyone. */
  team: LinkupConfig;
  /** The merged document as plain data (interpolated unless symbolic), before defaults are filled in. */
  raw: Record<string, unknown>;
  /** Every file merged, in order: the team files, then the local override. */
  files: string[];
  teamFiles: string[];
  localFile: string | undefined;
  /** Where the value at `path` of `raw` was written. */
  origin(path: YamlPath): SourcePosition;
  /** The `${VAR}`s the value at `path` of `raw` was written with (empty when none). */
  envRefs(path: YamlPath): EnvRef[];
  /** The value at `path` was set by the local override, so it applies to personal sessions only. */
  fromLocal(path: YamlPath): boolean;
}

function valueAt(value: unknown, path: YamlPath): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

type Locate = (path: YamlPath) => { file: ParsedFile; path: YamlPath };

function schemaDiagnostics(value: unknown, locate: Locate, keep: (path: YamlPath) => boolean): Diagnostic[] {
  const validate = schemaValidator();
  if (validate(value)) return [];
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    // `type: [array, null]` style unions report each branch; keep one line per path and message.
    const m = schemaMessage(e);
    const k = formatPath(m.path) + m.message;
    if (seen.has(k) || !keep(m.path)) continue;
    seen.add(k);
    const o = locate(m.path);
    out.push({ ...diag(o.file, o.path, m.message, m.atKey), path: formatPath(m.path) });
  }
  return out;
}

function semanticDiagnostics(problems: Problem[], locate: Locate, already: Diagnostic[], keep: (path: YamlPath) => boolean): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const p of problems) {
    if (!keep(p.path)) continue;
    const path = formatPath(p.path);
    // After schema errors the semantic pass is best effort: skip paths already reported.
    if (already.some((d) => d.path === path || path.startsWith(d.path + ".") || path.startsWith(d.path + "["))) continue;
    const o = locate(p.path);
    out.push({ ...diag(o.file, o.path, p.message), path });
  }
  return out;
}

function addUnique(into: Diagnostic[], more: Diagnostic[]): void {
  const key = (d: Diagnostic) => `${d.file}:${d.line}:${d.column}:${d.message}`;
  const seen = new Set(into.map(key));
  for (const d of more)
    if (!seen.has(key(d))) {
      seen.add(key(d));
      into.push(d);
    }
}

/**
 * Parses, interpolates, merges (team files in order, then the local override) and validates.
 * Throws ConfigDiagnosticsError with every problem found.
 */
export function effectiveConfig(
  input: { team: ConfigText[]; local?: ConfigText | undefined },
  env: Readonly<Record<string, string | undefined>>,
  options: EffectiveOptions = {},
): EffectiveConfig {
  if (input.team.length === 0) throw new ConfigError("config-not-found", "no config file given");
  const interpolation = options.interpolation ?? "resolve";
  const diagnostics: Diagnostic[] = [];
  const texts = [...input.team, ...(input.local ? [input.local] : [])];
  const parsed = texts.map((t) => parseFile(t.file, t.text, env, diagnostics, interpolation));
  if (parsed.some((p) => !p) || diagnostics.length > 0) throw new ConfigDiagnosticsError(diagnostics);
  const layers = parsed as ParsedFile[];
  const teamLayers = layers.slice(0, input.team.length);
  const localIndex = input.local ? input.team.length : -1;
  for (const l of teamLayers)
    if (!isObject(l.value))
      diagnostics.push({ file: l.file, line: 1, column: 1, path: "", message: "the config must be a YAML mapping with services and domains" });
  if (diagnostics.length > 0) throw new ConfigDiagnosticsError(diagnostics);

  // The team files, merged in order.
  const teamRaw = structuredClone(teamLayers[0]!.value) as Record<string, unknown>;
  const teamProv = new Provenance({ layer: 0, path: [] });
  teamLayers.slice(1).forEach((l, i) => mergeTeamLayer(teamRaw, l.value as Record<string, unknown>, i + 1, teamProv));

  // The local override on top, refusing what the team shares.
  const raw = structuredClone(teamRaw);
  const prov = teamProv.clone();
  let personalIndices: number[] = [];
  if (localIndex !== -1) {
    const local = layers[localIndex]!;
    const r = mergeLocalLayer(raw, local.value, localIndex, prov, { local: basename(local.file), team: basename(teamLayers[0]!.file) });
    for (const p of r.problems) diagnostics.push(diag(local, p.path, p.message, p.atKey));
    personalIndices = r.personalSessions;
  }

  const locateWith =
    (pv: Provenance): Locate =>
    (path) => {
      const o = pv.locate(path);
      return { file: layers[o.layer]!, path: o.path };
    };
  // Symbolic values cannot be checked as URLs or patterns: leave them to the run that resolves them.
  const keepFor = (value: unknown) => (path: YamlPath) => {
    if (interpolation !== "symbolic") return true;
    const v = valueAt(value, path);
    return !(typeof v === "string" && v.includes("${"));
  };

  const schemaFound: Diagnostic[] = [];
  if (localIndex !== -1) addUnique(schemaFound, schemaDiagnostics(teamRaw, locateWith(teamProv), keepFor(teamRaw)));
  addUnique(schemaFound, schemaDiagnostics(raw, locateWith(prov), keepFor(raw)));
  addUnique(diagnostics, schemaFound);

  let team: LinkupConfig | undefined;
  let config: LinkupConfig | undefined;
  try {
    team = normaliseConfig(teamRaw as RawConfig);
    const unnamed = (p: YamlPath) => p[0] === "sessions" && typeof p[1] === "number" && team!.sessions[p[1]]?.name === undefined;
    // The team's personal session is checked merged with the local override (below), not alone.
    const keep = keepFor(teamRaw);
    addUnique(diagnostics, semanticDiagnostics(validateConfig(team), locateWith(teamProv), schemaFound, (p) => keep(p) && !unnamed(p)));
  } catch (e) {
    if (diagnostics.length === 0) throw e;
  }
  try {
    config = normaliseConfig(raw as RawConfig);
    addUnique(diagnostics, semanticDiagnostics(validateConfig(config), locateWith(prov), schemaFound, keepFor(raw)));
  } catch (e) {
    if (diagnostics.length === 0) throw e;
  }
  if (diagnostics.length > 0 || !team || !config) throw new ConfigDiagnosticsError(diagnostics);

  team.sessions = team.sessions.map((s) => (s.name === undefined ? { ...s, personal: true } : s));
  config.sessions = config.sessions.map((s, i) => (s.name === undefined || personalIndices.includes(i) ? { ...s, personal: true } : s));
  const files = texts.map((t) => t.file);
  return {
    config,
    team,
    raw,
    files,
    teamFiles: files.slice(0, input.team.length),
    localFile: input.local?.file,
    origin(path) {
      const o = prov.locate(path);
      const layer = layers[o.layer]!;
      return { file: layer.file, ...positionOf(layer, o.path) };
    },
    envRefs(path) {
      const o = prov.locate(path);
      return layers[o.layer]!.envRefs.get(JSON.stringify(o.path)) ?? [];
    },
    fromLocal(path) {
      return localIndex !== -1 && prov.locate(path).layer === localIndex;
    },
  };
}

export interface LoadTextOptions {
  /**
   * Leave `${VAR}` references as written instead of reading the environment (the offline diff:
   * nothing from the CI environment may reach the output). Values holding a reference are not
   * checked as URLs, names or patterns, since their real value is unknown.
   */
  symbolic?: boolean;
}

/** One file's config (and an optional local override), checked; the effective LinkupConfig. */
export function loadConfigText(
  file: string,
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  local?: { file: string; text: string },
  options: LoadTextOptions = {},
): LinkupConfig {
  return effectiveConfig({ team: [{ file, text }], local }, env, { interpolation: options.symbolic ? "symbolic" : "resolve" }).config;
}

export interface LoadedConfig extends EffectiveConfig {
  /** Absolute path of the first team file, or `-` for stdin. */
  file: string;
  /** Directory relative paths (service `directory`) resolve against: the first file's. */
  baseDir: string;
  /** Files to watch: the team files on disk and the local override's path (even if it does not exist yet). */
  watchFiles: string[];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The first config file as named (`-` for stdin), without reading or checking it: the offline
 * diff uses it to find the file's committed versions. A directory means its linkup.yaml; with
 * nothing named, the nearest linkup.yaml here or above (./linkup.yaml when there is none).
 */
export function configPath(src: ConfigSource): string {
  try {
    return configFiles(src).team[0]!;
  } catch (e) {
    if (!(e instanceof ConfigError) || e.code !== "config-not-found") throw e;
    const named = [src.file, src.config].flat().find((f) => f !== undefined && f !== "") ?? src.envFile?.split(delimiter)[0];
    return resolve(src.cwd ?? process.cwd(), named ?? "linkup.yaml");
  }
}

/** A config file's text; an unreadable file is a config error naming it, not a stack trace. */
function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new ConfigError("config-unreadable", `cannot read ${file}: ${why}`, { cause: error });
  }
}

export function loadConfig(src: ConfigSource = {}, options: EffectiveOptions = {}): LoadedConfig {
  const env = src.env ?? process.env;
  const where = configFiles(src);
  const team = where.team.map((f) =>
    f === "-" ? { file: "<stdin>", text: src.stdin ?? readFileSync(0, "utf8") } : { file: f, text: readText(f) },
  );
  const local = where.local && isFile(where.local) ? { file: where.local, text: readText(where.local) } : undefined;
  const eff = effectiveConfig({ team, local }, env, options);
  return {
    ...eff,
    file: where.team[0]!,
    baseDir: where.baseDir,
    watchFiles: [...where.team.filter((f) => f !== "-"), ...(where.local ? [where.local] : [])],
  };
}

/** The identity recorded on sessions this config manages: linkup.config_id, else the config directory's name. */
export function configIdentity(loaded: Pick<LoadedConfig, "config" | "baseDir">): string {
  if (loaded.config.linkup.config_id) return loaded.config.linkup.config_id;
  const dir = basename(loaded.baseDir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "");
  return dir || "linkup";
}
