// `linkup init`: writes a commented linkup.yaml for a project (src/config/init-config.ts renders
// it), makes sure git ignores the personal override linkup.local.yaml, and says what to run next.
// Never replaces an existing config unless asked (--force).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../core/errors.js";
import { loadConfigText, localOverridePath } from "../config/config-file.js";
import { checkDomain, defaultDomain, personalLocals, renderInitConfig, type InitService } from "../config/init-config.js";

/** dist/operations/init.js (or src/operations/init.ts) -> the package root, which ships linkup.schema.json. */
const SCHEMA_FILE = fileURLToPath(new URL("../../linkup.schema.json", import.meta.url));

export interface InitOptions {
  cwd: string;
  /** Where to write; default ./linkup.yaml. */
  file?: string;
  services: InitService[];
  domain?: string;
  force?: boolean;
}

export interface InitResult {
  file: string;
  replaced: boolean;
  domain: string;
  services: string[];
  gitignore: { file: string; entry: string; action: "created" | "added" | "present" };
  /** What to run next, in order. */
  next: { command: string; why: string }[];
}

function schemaPathFrom(configDir: string): string {
  const rel = relative(configDir, SCHEMA_FILE).split(sep).join("/");
  return rel.startsWith(".") || rel.startsWith("/") ? rel : `./${rel}`;
}

/** Adds `entry` as a line of the .gitignore beside the config (creating it), unless it is there. */
function ignoreLocalOverride(dir: string, entry: string): InitResult["gitignore"] {
  const file = resolve(dir, ".gitignore");
  if (!existsSync(file)) {
    writeFileSync(file, `${entry}\n`);
    return { file, entry, action: "created" };
  }
  const text = readFileSync(file, "utf8");
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines.includes(entry) || lines.includes(`/${entry}`)) return { file, entry, action: "present" };
  writeFileSync(file, `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${entry}\n`);
  return { file, entry, action: "added" };
}

export function initProject(options: InitOptions): InitResult {
  const file = resolve(options.cwd, options.file ?? "linkup.yaml");
  const exists = existsSync(file);
  if (exists && !options.force)
    throw new ConfigError("init-config-exists", `${file} already exists; nothing was written`, { hint: "pass --force to replace it" });
  const dir = dirname(file);
  const domain = checkDomain(options.domain ?? defaultDomain(basename(dir)));
  const text = renderInitConfig({ services: options.services, domain, schemaPath: schemaPathFrom(dir) });
  // What init writes must load: a failure here is a bug in init, reported before anything is written.
  loadConfigText(file, text, {});
  writeFileSync(file, text);
  const gitignore = ignoreLocalOverride(dir, basename(localOverridePath(file)));

  const rel = relative(options.cwd, file);
  const f = rel === "linkup.yaml" ? "" : ` -f ${rel.includes(" ") ? JSON.stringify(rel) : rel}`;
  // A service to switch: the first one your session takes remotely, else switch the local one back.
  const locals = personalLocals(options.services);
  const toLocal = options.services.find((s) => s.local && s.remote && !locals.includes(s.name));
  const toRemote = options.services.find((s) => s.local && s.remote && locals.includes(s.name));
  return {
    file,
    replaced: exists,
    domain,
    services: options.services.map((s) => s.name),
    gitignore,
    next: [
      { command: `npx linkup apply${f}`, why: "start Linkup and your session; prints the URLs to open" },
      { command: `npx linkup status${f}`, why: "where each service goes, and whether it answers" },
      toLocal
        ? { command: `npx linkup route local ${toLocal.name}${f}`, why: `serve ${toLocal.name} from your machine too (\`route remote\` undoes it)` }
        : toRemote
          ? { command: `npx linkup route remote ${toRemote.name}${f}`, why: `take ${toRemote.name} from its remote copy instead (\`route local\` undoes it)` }
          : { command: `npx linkup sessions list${f}`, why: "every session and the URLs to open" },
    ],
  };
}
