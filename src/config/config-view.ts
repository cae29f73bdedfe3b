// `linkup config view`: the effective config (every file merged, `${VAR}` interpolated) as one
// document, like `docker compose config` / `kubectl config view`. Values from environment
// variables are marked, secret-looking values masked, values from linkup.local.yaml marked as
// applying to personal sessions only, and with `showOrigin` each value says file:line. The view
// model (`configView`) is separate from its two renderings (YAML with comments, JSON).
import { relative, isAbsolute } from "node:path";
import { Document, isScalar } from "yaml";
import type { EnvRef } from "../core/interpolate.js";
import { isSecretKey, MASK, maskUrl } from "../core/mask-secrets.js";
import { formatPath, type EffectiveConfig, type SourcePosition, type YamlPath } from "./config-file.js";

export interface ViewValue {
  path: YamlPath;
  /** Shown as `***` (a secret-looking key), or with the URL's credentials masked. */
  masked: boolean;
  env: EnvRef[];
  /** Set in linkup.local.yaml: it applies to personal sessions only. */
  personalOnly: boolean;
  origin: SourcePosition;
}

export interface ConfigView {
  files: string[];
  localFile: string | undefined;
  /** The merged document with secrets masked. */
  config: Record<string, unknown>;
  /** Every leaf value (scalars, empty lists and maps), in document order. */
  values: ViewValue[];
  /** Per session, in order: its name (null for the unnamed one) and whether it is personal. */
  sessions: { name: string | null; personal: boolean }[];
}

/** A path's keys that are names chosen by the user (a session's `routes` keys are service names), not config keys. */
function isUserKey(path: YamlPath, i: number): boolean {
  return path[0] === "sessions" && path[2] === "routes" && i === 3;
}

function secretPath(path: YamlPath): boolean {
  return path.some((p, i) => typeof p === "string" && !isUserKey(path, i) && isSecretKey(p));
}

export function configView(eff: EffectiveConfig): ConfigView {
  const values: ViewValue[] = [];
  const walk = (value: unknown, path: YamlPath): unknown => {
    if (Array.isArray(value) && value.length > 0) return value.map((v, i) => walk(v, [...path, i]));
    if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...path, k]);
      return out;
    }
    let shown = value;
    let masked = false;
    if (typeof value === "string" && secretPath(path)) {
      shown = MASK;
      masked = true;
    } else if (typeof value === "string" && value.includes("://")) {
      shown = maskUrl(value);
      masked = shown !== value;
    }
    values.push({ path, masked, env: eff.envRefs(path), personalOnly: eff.fromLocal(path) && path[0] === "services", origin: eff.origin(path) });
    return shown;
  };
  const config = walk(eff.raw, []) as Record<string, unknown>;
  return {
    files: eff.files,
    localFile: eff.localFile,
    config,
    values,
    sessions: eff.config.sessions.map((s) => ({ name: s.name ?? null, personal: s.personal === true })),
  };
}

function envNote(refs: EnvRef[]): string | undefined {
  if (refs.length === 0) return undefined;
  return (
    "from " +
    refs.map((r) => (r.source === "env" ? `$${r.name}` : r.source === "default" ? `default of \${${r.name}}` : `\${${r.name}} (unset)`)).join(", ")
  );
}

function displayFile(file: string, cwd: string | undefined): string {
  if (!cwd || !isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

export interface RenderOptions {
  showOrigin?: boolean;
  /** File names in comments are shown relative to this folder when under it. */
  cwd?: string;
}

/** YAML with trailing comments: env-derived values, personal-only values and (showOrigin) file:line. */
export function renderViewYaml(view: ConfigView, options: RenderOptions = {}): string {
  const doc = new Document(view.config);
  for (const v of view.values) {
    const notes: string[] = [];
    const env = envNote(v.env);
    if (env) notes.push(env);
    if (v.masked) notes.push("masked");
    if (v.personalOnly) notes.push("personal sessions only");
    if (options.showOrigin) notes.push(`${displayFile(v.origin.file, options.cwd)}:${v.origin.line}`);
    if (notes.length === 0) continue;
    const node = doc.getIn(v.path, true);
    if (node && typeof node === "object" && "comment" in (node as object)) (node as { comment?: string }).comment = ` ${notes.join("; ")}`;
    else if (isScalar(node)) node.comment = ` ${notes.join("; ")}`;
  }
  view.sessions.forEach((s, i) => {
    const node = doc.getIn(["sessions", i], true) as { commentBefore?: string } | undefined;
    if (node && typeof node === "object")
      node.commentBefore = s.personal ? ` personal session${s.name === null ? " (yours; named once and remembered)" : ""}` : " shared session";
  });
  const header = view.files.map((f) => `# ${f === view.localFile ? "local override" : "team file"}: ${displayFile(f, options.cwd)}`).join("\n");
  return `${header}\n${doc.toString({ lineWidth: 0 })}`;
}

export interface ViewJson {
  files: string[];
  local_file: string | null;
  config: Record<string, unknown>;
  sessions: { name: string | null; personal: boolean }[];
  values: { path: string; masked: boolean; env: EnvRef[]; personal_only: boolean; origin?: SourcePosition }[];
}

export function viewJson(view: ConfigView, options: RenderOptions = {}): ViewJson {
  return {
    files: view.files,
    local_file: view.localFile ?? null,
    config: view.config,
    sessions: view.sessions,
    values: view.values.map((v) => ({
      path: formatPath(v.path),
      masked: v.masked,
      env: v.env,
      personal_only: v.personalOnly,
      ...(options.showOrigin ? { origin: v.origin } : {}),
    })),
  };
}
