// Two versions of a config for the offline diff: the file as committed at a git ref (read with
// `git show <ref>:<path>`, the path relative to the repository root), the file in the working
// tree, or any file on disk. Each version brings its `linkup.local.yaml` when that version has
// one. A version whose file does not exist (added or deleted by the change) loads as absent.
// Loading is symbolic: `${VAR}` stays as written, nothing is read from the environment.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, relative, resolve, sep } from "node:path";
import { ConfigError } from "../core/errors.js";
import { effectiveConfig, localOverridePath, type EffectiveConfig } from "./config-file.js";

export interface ConfigVersion {
  /** How output names this version: `origin/main:linkup.yaml`, `linkup.yaml`. */
  label: string;
  /** The main file's text; undefined when the file does not exist in this version. */
  text: string | undefined;
  /** Name diagnostics use for the main file. */
  file: string;
  /** The local override in this version, when it has one. */
  local?: { file: string; text: string };
}

function git(args: string[], cwd: string): { ok: true; out: string } | { ok: false; err: string } {
  try {
    const out = execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, out };
  } catch (e) {
    const err = e as { code?: string; stderr?: string | Buffer; message: string };
    if (err.code === "ENOENT") throw new ConfigError("git-missing", "`diff --base` needs git, and git is not installed (or not on PATH)");
    return { ok: false, err: String(err.stderr ?? err.message).trim() };
  }
}

/** The directory that exists nearest to `file` (a file deleted in the working tree still has a directory, usually). */
function existingDir(file: string): string {
  let dir = dirname(file);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** A file as committed at `ref`, plus its local override if that is committed too. */
export function gitVersion(file: string, ref: string): ConfigVersion {
  if (ref.startsWith("-") || ref.trim() === "" || /[\s\0]/.test(ref))
    throw new ConfigError("bad-git-ref", `"${ref}" is not a git revision (e.g. origin/main, HEAD~1, a commit id)`);
  const cwd = existingDir(file);
  const top = git(["rev-parse", "--show-toplevel"], cwd);
  if (!top.ok) throw new ConfigError("not-a-git-repo", `${cwd} is not inside a git repository, so --base ${ref} has nothing to compare with`, { hint: "compare two files instead: linkup diff OLD.yaml NEW.yaml" });
  const root = top.out.trim();
  const commit = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], root);
  if (!commit.ok || commit.out.trim() === "")
    throw new ConfigError("unknown-git-ref", `git does not know the revision "${ref}"`, {
      hint: "in CI, fetch it first (actions/checkout with fetch-depth: 0, or `git fetch origin main`)",
    });
  const sha = commit.out.trim();
  // The repository root as git prints it is a real path; so must the file's directory be.
  const pathIn = (f: string) => relative(root, resolve(realpathSync(existingDir(f)), basename(f))).split(sep).join("/");
  const read = (f: string): string | undefined => {
    const rel = pathIn(f);
    if (rel.startsWith("../")) throw new ConfigError("outside-repo", `${f} is not inside the git repository at ${root}`);
    const shown = git(["show", `${sha}:${rel}`], root);
    return shown.ok ? shown.out : undefined;
  };
  const rel = pathIn(file);
  const text = read(file);
  const localFile = localOverridePath(file);
  const localText = read(localFile);
  return {
    label: `${ref}:${rel}`,
    file: `${ref}:${rel}`,
    text,
    ...(localText !== undefined ? { local: { file: `${ref}:${pathIn(localFile)}`, text: localText } } : {}),
  };
}

/** A file on disk (the working tree), plus the local override beside it when there is one. */
export function diskVersion(file: string, label: string = file): ConfigVersion {
  const text = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  const localFile = localOverridePath(file);
  return {
    label,
    file,
    text,
    ...(existsSync(localFile) ? { local: { file: localFile, text: readFileSync(localFile, "utf8") } } : {}),
  };
}

/**
 * The config of one version (symbolic: `${VAR}` as written), or undefined when its file does not
 * exist: the effective config and the team file alone (shared sessions are computed from that).
 */
export function loadVersion(version: ConfigVersion): EffectiveConfig | undefined {
  if (version.text === undefined) return undefined;
  return effectiveConfig({ team: [{ file: version.file, text: version.text }], local: version.local }, {}, { interpolation: "symbolic" });
}
