// File session store: the local server's sessions in `<dir>/sessions.json`, so a restart restores
// every session and the CLI can read them without the server running.
//
// Writes replace the file atomically (write-file-atomic: temp file + rename), so a reader never
// sees half a file and needs no lock. Every read-modify-write holds a cross-process lock
// (proper-lockfile, `sessions.json.lock`), so two CLI commands, or the CLI and the server, cannot
// lose each other's writes.
import { mkdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import writeFileAtomic from "write-file-atomic";
import { STATE_FILES } from "../core/defaults.js";
import { LinkupError } from "../core/errors.js";
import type { SessionRecord } from "../core/session.js";
import type { SessionStore, UpdateStep } from "./session-store.js";

const FORMAT_VERSION = 1;

interface SessionsFile {
  format: typeof FORMAT_VERSION;
  sessions: Record<string, SessionRecord>;
}

export interface FileSessionStore extends SessionStore {
  /** Absolute path of the sessions file (watch it to see other processes' writes). */
  readonly path: string;
  /**
   * Atomic read-check-write of one session under the cross-process lock: `fn` sees the current
   * record and decides. How the session API applies If-Match locally without a window for a lost update.
   */
  update<T>(name: string, fn: (current: SessionRecord | undefined) => UpdateStep<T>): Promise<T>;
  /** Every session, read synchronously (startup, before any listener is open). */
  listSync(): SessionRecord[];
}

// Critical sections are a read and a small write; a lock older than this belongs to a dead process.
const LOCK_OPTIONS = {
  stale: 10_000,
  realpath: false,
  retries: { retries: 200, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
  // The default throws from a timer, which would kill the server. A compromised lock means another
  // process took it as stale; the write itself is still atomic, so carry on.
  onCompromised: () => {},
};

function parse(text: string, path: string): SessionsFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LinkupError("state-corrupt", `${path} is not valid JSON (${(error as Error).message}); fix or delete it.`, {
      cause: error,
    });
  }
  const d = data as Partial<SessionsFile> | null;
  if (!d || typeof d !== "object" || typeof d.sessions !== "object" || d.sessions === null)
    throw new LinkupError("state-corrupt", `${path} has no "sessions" object; fix or delete it.`);
  if (d.format !== FORMAT_VERSION)
    throw new LinkupError("state-format", `${path} has format ${String(d.format)}, this Linkup reads format ${FORMAT_VERSION}: upgrade Linkup.`);
  return d as SessionsFile;
}

function sorted(file: SessionsFile): SessionRecord[] {
  return Object.values(file.sessions).sort((a, b) => a.name.localeCompare(b.name));
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}

export function fileStore(dir: string): FileSessionStore {
  const path = join(dir, STATE_FILES.sessions);
  const empty = (): SessionsFile => ({ format: FORMAT_VERSION, sessions: {} });

  async function read(): Promise<SessionsFile> {
    try {
      return parse(await readFile(path, "utf8"), path);
    } catch (error) {
      if (isMissing(error)) return empty();
      throw error;
    }
  }

  async function locked<T>(fn: (file: SessionsFile) => { changed: boolean; result: T }): Promise<T> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(path, LOCK_OPTIONS);
    } catch (error) {
      throw new LinkupError("state-locked", `could not lock ${path}: another Linkup process holds it (${(error as Error).message}).`, {
        cause: error,
      });
    }
    try {
      const file = await read();
      const { changed, result } = fn(file);
      if (changed) await writeFileAtomic(path, JSON.stringify(file, null, 2) + "\n", { mode: 0o600 });
      return result;
    } finally {
      await release();
    }
  }

  return {
    path,
    async get(name) {
      const file = await read();
      return Object.hasOwn(file.sessions, name) ? file.sessions[name] : undefined;
    },
    async list() {
      return sorted(await read());
    },
    listSync() {
      try {
        return sorted(parse(readFileSync(path, "utf8"), path));
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
    },
    async put(record) {
      await locked((file) => {
        file.sessions[record.name] = record;
        return { changed: true, result: undefined };
      });
    },
    async delete(name) {
      await locked((file) => {
        if (!Object.hasOwn(file.sessions, name)) return { changed: false, result: undefined };
        delete file.sessions[name];
        return { changed: true, result: undefined };
      });
    },
    update(name, fn) {
      return locked((file) => {
        const current = Object.hasOwn(file.sessions, name) ? file.sessions[name] : undefined;
        const step = fn(current);
        if (step.next === undefined) return { changed: false, result: step.result };
        if (step.next === null) {
          if (!current) return { changed: false, result: step.result };
          delete file.sessions[name];
        } else file.sessions[name] = step.next;
        return { changed: true, result: step.result };
      });
    },
  };
}
