// `${VAR}` and `${VAR:-default}` in config strings, from an environment map the caller passes
// in (the core never reads process.env). `$${...}` keeps a literal `${...}`.

export type InterpolationResult = { ok: true; value: string } | { ok: false; missing: string[] };

const PATTERN = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolate(input: string, env: Readonly<Record<string, string | undefined>>): InterpolationResult {
  if (!input.includes("${")) return { ok: true, value: input };
  const missing: string[] = [];
  const value = input.replace(PATTERN, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === "$${") return "${";
    const v = env[name!];
    if (v !== undefined && v !== "") return v;
    if (fallback !== undefined) return fallback;
    if (v === "") return "";
    missing.push(name!);
    return match;
  });
  return missing.length > 0 ? { ok: false, missing } : { ok: true, value };
}

/** One `${VAR}` a config value uses, and where its text came from. */
export interface EnvRef {
  name: string;
  /** env: the variable's value; default: the `:-default` text (the variable is unset or empty); unset: neither. */
  source: "env" | "default" | "unset";
}

/** The variables `input` refers to (`$${...}` escapes excluded), in order of appearance. */
export function envRefs(input: string, env: Readonly<Record<string, string | undefined>>): EnvRef[] {
  if (!input.includes("${")) return [];
  const refs: EnvRef[] = [];
  for (const m of input.matchAll(PATTERN)) {
    if (m[0] === "$${") continue;
    const name = m[1]!;
    const v = env[name];
    refs.push({ name, source: v !== undefined && v !== "" ? "env" : m[2] !== undefined ? "default" : v === "" ? "env" : "unset" });
  }
  return refs;
}
