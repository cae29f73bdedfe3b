// Environment files: for a service with `directory`, each `.env.X.linkup` is copied into `.env.X`
// between a begin and an end marker line (on start/apply) and that block is removed again (on
// stop). Lines outside the block are never touched; injecting twice changes nothing, and
// re-injecting refreshes the block when the .linkup file changed.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { LoadedConfig } from "../config/config-file.js";

export const BEGIN_MARKER = "# >>> linkup: begin (generated from {source}; edit that file, not this block) >>>";
export const END_MARKER = "# <<< linkup: end <<<";

const BEGIN_RE = /^# >>> linkup: begin\b.*$/;
const END_RE = /^# <<< linkup: end\b.*$/;

function beginLine(source: string): string {
  return BEGIN_MARKER.replace("{source}", source);
}

/** Line indexes of the first marked block (begin and end inclusive), or undefined when there is none. */
function findBlock(lines: string[]): { begin: number; end: number } | undefined {
  const begin = lines.findIndex((l) => BEGIN_RE.test(l));
  if (begin === -1) return undefined;
  const end = lines.findIndex((l, i) => i > begin && END_RE.test(l));
  // A begin without an end (someone deleted it): the block runs to the end of the file.
  return { begin, end: end === -1 ? lines.length - 1 : end };
}

/** `target` with the block holding `content` in place (replacing an existing block, else appended). */
export function injectBlock(target: string, content: string, source: string): string {
  const body = content.replace(/\n+$/, "");
  const block = [beginLine(source), ...(body ? body.split("\n") : []), END_MARKER];
  // split/join on "\n" round-trips exactly, so only the block's own lines ever change.
  const lines = target.split("\n");
  const found = findBlock(lines);
  if (found) return [...lines.slice(0, found.begin), ...block, ...lines.slice(found.end + 1)].join("\n");
  if (target === "") return block.join("\n") + "\n";
  return target + (target.endsWith("\n") ? "" : "\n") + block.join("\n") + "\n";
}

/** `text` without the marked block(s); the lines around them exactly as they were. */
export function removeBlock(text: string): string {
  let lines = text.split("\n");
  for (let found = findBlock(lines); found; found = findBlock(lines))
    lines = [...lines.slice(0, found.begin), ...lines.slice(found.end + 1)];
  return lines.join("\n");
}

export interface EnvFileChange {
  file: string;
  action: "injected" | "removed";
}

/** `.env.X.linkup` files in a directory, paired with their `.env.X` targets. */
export function envSources(dir: string): { source: string; target: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\.env\..+\.linkup$/.test(f))
    .sort()
    .map((f) => ({ source: join(dir, f), target: join(dir, f.slice(0, -".linkup".length)) }));
}

/** Injects every `.env.X.linkup` of each directory; returns the files that changed. */
export function injectEnvFiles(dirs: string[]): EnvFileChange[] {
  const changes: EnvFileChange[] = [];
  for (const dir of dirs)
    for (const { source, target } of envSources(dir)) {
      const before = existsSync(target) ? readFileSync(target, "utf8") : "";
      const after = injectBlock(before, readFileSync(source, "utf8"), source.slice(dir.length + 1));
      if (after !== before || !existsSync(target)) {
        writeFileSync(target, after);
        changes.push({ file: target, action: "injected" });
      }
    }
  return changes;
}

/** Removes the block from every `.env*` file (not the `.linkup` sources) of each directory. */
export function removeEnvFiles(dirs: string[]): EnvFileChange[] {
  const changes: EnvFileChange[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) {
      if (!f.startsWith(".env") || f.endsWith(".linkup")) continue;
      const file = join(dir, f);
      const before = readFileSync(file, "utf8");
      const after = removeBlock(before);
      if (after !== before) {
        writeFileSync(file, after);
        changes.push({ file, action: "removed" });
      }
    }
  }
  return changes;
}

/** Absolute directories of the services that declare one. */
export function serviceDirectories(services: { directory?: string }[], baseDir: string): string[] {
  return services.filter((s) => s.directory).map((s) => resolve(baseDir, s.directory!));
}

/** The env-file step of `start` and `apply`: inject the blocks of every service directory the config names. */
export function injectConfigEnvFiles(loaded: Pick<LoadedConfig, "config" | "baseDir">): EnvFileChange[] {
  return injectEnvFiles(serviceDirectories(loaded.config.services, loaded.baseDir));
}

/** `stop`: remove those blocks again. */
export function removeConfigEnvFiles(loaded: Pick<LoadedConfig, "config" | "baseDir">): EnvFileChange[] {
  return removeEnvFiles(serviceDirectories(loaded.config.services, loaded.baseDir));
}
