// Loads linkup.yaml (and linkup.local.yaml beside it): YAML with source positions, `${VAR}`
// interpolation, JSON Schema validation (ajv, every error at once), the core's semantic checks,
// and per-developer overrides merged on top. Every problem is reported together, each with
// file:line:column, the YAML path and a sentence.
import { readFileSync, existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { ErrorObject } from "ajv";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from "yaml";
import { configSchema } from "../core/config-schema.js";
import { normaliseConfig, type LinkupConfig, type RawConfig } from "../core/config.js";
import { ConfigError } from "../core/errors.js";
import { interpolate } from "../core/interpolate.js";
import { validateConfig } from "../core/validate-config.js";

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export interface LoadedConfig {
  config: LinkupConfig;
  /** Absolute path of the main file, or `-` for stdin. */
  file: string;
  /** Files that make up the config (watch these). */
  files: string[];
  /** Directory relative paths (service `directory`) resolve against. */
  baseDir: string;
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

export interface ConfigSource {
  /** `-f/--file`; `-` reads stdin. */
  file?: string;
  /** `--config`. */
  config?: string;
  /** LINKUP_CONFIG, as parsed into settings.configFile (core/settings.ts). */
  envFile?: string;
  /** For `${VAR}` interpolation in the config. */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** Contents of stdin, when file is `-`. */
  stdin?: string;
}

/** `-f`, else `--config`, else LINKUP_CONFIG, else ./linkup.yaml. */
export function configPath(src: ConfigSource): string {
  const chosen = src.file ?? src.config ?? src.envFile ?? "linkup.yaml";
  return chosen === "-" ? "-" : resolve(src.cwd ?? process.cwd(), chosen);
}

interface ParsedFile {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

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

function parseFile(
  file: string,
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  out: Diagnostic[],
  symbolic = false,
): ParsedFile | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const p: ParsedFile = { file, doc, lines, value: undefined };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      out.push({ file, line: pos.line, column: pos.col, path: "", message: `YAML syntax: ${e.message.split("\n")[0]}` });
    }
    return undefined;
  }
  // Interpolate every string scalar value in place, remembering where each problem is.
  if (!symbolic) visit(doc, {
    Scalar(key, node, pathNodes) {
      if (key === "key" || typeof node.value !== "string") return;
      const r = interpolate(node.value, env);
      if (r.ok) node.value = r.value;
      else {
        const pos = node.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
        const yamlPath = pathOfNode(pathNodes);
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
  p.value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  return p;
}

function pathOfNode(pathNodes: readonly unknown[]): string {
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
  return formatPath(parts);
}

type Origin = { file: ParsedFile; path: (string | number)[] };

/** Merge the local override on top: services and sessions by name, domains by domain, the rest by key. */
function mergeOverride(base: ParsedFile, local: ParsedFile | undefined): { value: any; locate: (path: (string | number)[]) => Origin } {
  const b = structuredClone(base.value) as any;
  if (!local || local.value === null || typeof local.value !== "object") return { value: b, locate: (path) => ({ file: base, path }) };
  const l = local.value as any;
  const origins = new Map<string, Origin>();
  for (const key of Object.keys(l)) {
    if ((key === "services" || key === "sessions" || key === "domains") && Array.isArray(l[key])) {
      const id = key === "domains" ? "domain" : "name";
      const list: any[] = Array.isArray(b[key]) ? b[key] : [];
      l[key].forEach((item: any, li: number) => {
        const at = item && item[id] !== undefined ? list.findIndex((x) => x && x[id] === item[id]) : -1;
        const index = at === -1 ? list.push(item) - 1 : at;
        if (at !== -1) list[at] = { ...list[at], ...item };
        origins.set(`${key}.${index}`, { file: local, path: [key, li] });
      });
      b[key] = list;
    } else if (key === "linkup" && typeof l.linkup === "object" && l.linkup) {
      b.linkup = { ...(b.linkup ?? {}), ...l.linkup };
      for (const k of Object.keys(l.linkup)) origins.set(`linkup.${k}`, { file: local, path: ["linkup", k] });
    } else {
      b[key] = l[key];
      origins.set(key, { file: local, path: [key] });
    }
  }
  return {
    value: b,
    locate(path) {
      const k2 = path.length >= 2 ? `${path[0]}.${path[1]}` : undefined;
      const o = (k2 && origins.get(k2)) || origins.get(String(path[0]));
      if (!o) return { file: base, path };
      const rest = path.slice(o.path.length);
      // A field the override did not set still lives in the base file.
      if (o.file.doc.getIn([...o.path, ...rest], true) === undefined && base.doc.getIn(path, true) !== undefined)
        return { file: base, path };
      return { file: o.file, path: [...o.path, ...rest] };
    },
  };
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

export interface LoadTextOptions {
  /**
   * Leave `${VAR}` references as written instead of reading the environment (the offline diff:
   * nothing from the CI environment may reach the output). Values holding a reference are not
   * checked as URLs, names or patterns, since their real value is unknown.
   */
  symbolic?: boolean;
}

/** True when the value at `path` in a parsed config still holds a `${VAR}` reference. */
function holdsReference(value: unknown, path: (string | number)[]): boolean {
  let v: any = value;
  for (const p of path) v = v === null || typeof v !== "object" ? undefined : v[p];
  return typeof v === "string" && v.includes("${");
}

/** Parse, interpolate, validate and merge. Throws ConfigDiagnosticsError with every problem found. */
export function loadConfigText(
  file: string,
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  local?: { file: string; text: string },
  options: LoadTextOptions = {},
): LinkupConfig {
  const diagnostics: Diagnostic[] = [];
  const symbolic = options.symbolic === true;
  const base = parseFile(file, text, env, diagnostics, symbolic);
  const over = local ? parseFile(local.file, local.text, env, diagnostics, symbolic) : undefined;
  if (!base || (local && !over) || diagnostics.length > 0) throw new ConfigDiagnosticsError(diagnostics);
  if (base.value === null || typeof base.value !== "object" || Array.isArray(base.value))
    throw new ConfigDiagnosticsError([{ file, line: 1, column: 1, path: "", message: "the config must be a YAML mapping with services and domains" }]);
  const merged = mergeOverride(base, over);
  const validate = schemaValidator();
  if (!validate(merged.value)) {
    const seen = new Set<string>();
    for (const e of validate.errors ?? []) {
      // `type: [array, null]` style unions report each branch; keep one line per path and message.
      const m = schemaMessage(e);
      if (symbolic && holdsReference(merged.value, m.path)) continue;
      const key = formatPath(m.path) + m.message;
      if (seen.has(key)) continue;
      seen.add(key);
      const o = merged.locate(m.path);
      diagnostics.push({ ...diag(o.file, o.path, m.message, m.atKey), path: formatPath(m.path) });
    }
  }
  let config: LinkupConfig | undefined;
  try {
    config = normaliseConfig(merged.value as RawConfig);
    for (const p of validateConfig(config)) {
      if (symbolic && holdsReference(merged.value, p.path)) continue;
      const o = merged.locate(p.path);
      const path = formatPath(p.path);
      // After schema errors the semantic pass is best effort: skip paths already reported.
      if (!diagnostics.some((d) => d.path === path || path.startsWith(d.path + ".") || path.startsWith(d.path + "[")))
        diagnostics.push({ ...diag(o.file, o.path, p.message), path });
    }
  } catch (e) {
    if (diagnostics.length === 0) throw e;
  }
  if (diagnostics.length > 0 || !config) throw new ConfigDiagnosticsError(diagnostics);
  return config;
}

/** The local override that sits beside a config file: linkup.yaml -> linkup.local.yaml. */
export function localOverridePath(file: string): string {
  const name = basename(file);
  const dot = name.lastIndexOf(".");
  const local = dot > 0 ? `${name.slice(0, dot)}.local${name.slice(dot)}` : `${name}.local`;
  return join(dirname(file), local);
}

export function loadConfig(src: ConfigSource = {}): LoadedConfig {
  const env = src.env ?? process.env;
  const file = configPath(src);
  if (file === "-") {
    const config = loadConfigText("<stdin>", src.stdin ?? readFileSync(0, "utf8"), env);
    return { config, file: "-", files: [], baseDir: resolve(src.cwd ?? process.cwd()) };
  }
  if (!existsSync(file))
    throw new ConfigError("config-not-found", `config file ${file} not found`, {
      hint: "pass -f FILE, set LINKUP_CONFIG, or create linkup.yaml (see examples/linkup.yaml)",
    });
  const localFile = localOverridePath(file);
  const local = existsSync(localFile) ? { file: localFile, text: readFileSync(localFile, "utf8") } : undefined;
  const config = loadConfigText(file, readFileSync(file, "utf8"), env, local);
  return { config, file, files: local ? [file, localFile] : [file], baseDir: dirname(file) };
}

/** The identity recorded on sessions this config manages: linkup.config_id, else the config directory's name. */
export function configIdentity(loaded: LoadedConfig): string {
  if (loaded.config.linkup.config_id) return loaded.config.linkup.config_id;
  const dir = basename(loaded.baseDir).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "");
  return dir || "linkup";
}
