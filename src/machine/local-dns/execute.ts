// The only code that changes the system for `linkup local-dns`: applies planned steps (atomic file
// writes, commands via execa), keeps `<stateDir>/local-dns.json` in step with what was actually
// done, even when a step fails half-way, and renders steps as text for `--dry-run`.
//
// Files under /etc and the trust stores need root. Rather than running all of Linkup under sudo
// (which on Linux moves HOME, and with it the state directory), only the privileged operations are
// prefixed with `sudo`; its timestamp cache means the user types their password once.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";
import writeFileAtomic from "write-file-atomic";
import { STATE_FILES } from "../../core/defaults.js";
import { LinkupError } from "../../core/errors.js";
import type { LocalDnsRecord, LocalDnsStep } from "./install.js";

/** Runs one command; rejects when it fails. Tests inject one that records instead. */
export type CommandRunner = (command: string[]) => Promise<void>;

export interface ExecuteOptions {
  /** Prefix for every planned path: "/" for real, a temp dir in tests so nothing touches /etc. */
  root?: string;
  runner?: CommandRunner;
  /** Prefix privileged work with sudo. Default: when acting on "/" and not already root. */
  useSudo?: boolean;
}

export interface ExecuteResult {
  applied: LocalDnsStep[];
  warnings: string[];
}

export const defaultRunner: CommandRunner = async (command) => {
  // stdio inherited: sudo may need to ask for a password, and the user should see what runs.
  await execa(command[0], command.slice(1), { stdio: "inherit" });
};

function rooted(root: string, path: string): string {
  return root === "/" ? path : join(root, path);
}

export function shellQuote(command: readonly string[]): string {
  return command.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(" ");
}

/** The dry-run text: every file that would be written (with its content) and every command. */
export function describeSteps(steps: readonly LocalDnsStep[]): string {
  if (steps.length === 0) return "nothing to do";
  return steps
    .map((step) => {
      switch (step.kind) {
        case "write-file": {
          // A certificate body is noise in a plan.
          const body = step.content.startsWith("-----BEGIN CERTIFICATE")
            ? ["(the Linkup Local CA certificate, PEM)"]
            : step.content.replace(/\n$/, "").split("\n");
          return [`would write ${step.path}:`, ...body.map((line) => `  ${line}`)].join("\n");
        }
        case "remove-file":
          return `would remove ${step.path}`;
        case "run":
          return `would run: ${shellQuote(step.command)}${step.asUser ? " (as you, not root)" : ""}${step.optional ? " (a failure is only a warning)" : ""}`;
      }
    })
    .join("\n");
}

export function recordPath(stateDir: string): string {
  return join(stateDir, STATE_FILES.localDnsRecord);
}

export function readLocalDnsRecord(stateDir: string): LocalDnsRecord | null {
  let text: string;
  try {
    text = readFileSync(recordPath(stateDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const record = JSON.parse(text) as LocalDnsRecord;
    if (record.version !== 1 || !Array.isArray(record.files) || !Array.isArray(record.commands)) throw new Error("unknown format");
    return record;
  } catch (error) {
    throw new LinkupError("LOCAL_DNS_RECORD_INVALID", `${recordPath(stateDir)} is not a local DNS record Linkup can read.`, {
      hint: "Undo the local DNS setup by hand (docs/local-dns-https.md in the linkup package lists what install changes), then delete that file.",
      cause: error,
    });
  }
}

async function writeRecord(stateDir: string, record: LocalDnsRecord | null): Promise<void> {
  if (record === null) {
    rmSync(recordPath(stateDir), { force: true });
    return;
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(recordPath(stateDir), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
}

async function applyStep(step: LocalDnsStep, root: string, sudo: boolean, runner: CommandRunner): Promise<void> {
  if (step.kind === "run") {
    await runner(sudo && !step.asUser ? ["sudo", ...step.command] : step.command);
    return;
  }
  const target = rooted(root, step.path);
  if (step.kind === "remove-file") {
    if (sudo) await runner(["sudo", "rm", "-f", target]);
    else rmSync(target, { force: true });
    return;
  }
  const mode = step.mode ?? 0o644;
  if (!sudo) {
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    await writeFileAtomic(target, step.content, { mode });
    return;
  }
  // Stage the content as the user, then let root install it under a temporary name and rename it
  // into place, so a reader never sees a half-written resolver file.
  const staging = mkdtempSync(join(tmpdir(), "linkup-local-dns-"));
  try {
    const staged = join(staging, "content");
    writeFileSync(staged, step.content, { mode: 0o600 });
    const temporary = `${target}.linkup-new`;
    await runner(["sudo", "mkdir", "-p", dirname(target)]);
    await runner(["sudo", "install", "-m", mode.toString(8).padStart(4, "0"), staged, temporary]);
    await runner(["sudo", "mv", "-f", temporary, target]);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function describeFailure(step: LocalDnsStep, error: unknown): string {
  const what = step.kind === "run" ? `running ${shellQuote(step.command)}` : `${step.kind === "write-file" ? "writing" : "removing"} ${step.path}`;
  return `${what} failed: ${(error as Error)?.message ?? String(error)}`;
}

/**
 * Applies steps in order, stopping at the first required failure. Returns what was applied; on a
 * failure throws LOCAL_DNS_STEP_FAILED carrying `applied` so the caller can still record it.
 */
export async function executeSteps(steps: readonly LocalDnsStep[], options: ExecuteOptions = {}): Promise<ExecuteResult> {
  const root = options.root ?? "/";
  const runner = options.runner ?? defaultRunner;
  const sudo = options.useSudo ?? (root === "/" && process.getuid?.() !== 0);
  const applied: LocalDnsStep[] = [];
  const warnings: string[] = [];
  for (const step of steps) {
    try {
      await applyStep(step, root, sudo, runner);
      applied.push(step);
    } catch (error) {
      if (step.kind === "run" && step.optional) {
        warnings.push(describeFailure(step, error));
        continue;
      }
      throw Object.assign(
        new LinkupError("LOCAL_DNS_STEP_FAILED", `Local DNS: ${describeFailure(step, error)}`, {
          hint: "Fix the cause and run the command again; what was already done is recorded and will be undone by uninstall.",
          cause: error,
        }),
        { applied, warnings },
      );
    }
  }
  return { applied, warnings };
}

export type RecordBase = Omit<LocalDnsRecord, "files" | "commands" | "installedAt" | "version">;

function withApplied(previous: LocalDnsRecord | null, base: RecordBase, applied: readonly LocalDnsStep[], installedAt: string): LocalDnsRecord {
  const files = new Set(previous?.files ?? []);
  const commands = [...(previous?.commands ?? [])];
  for (const step of applied) {
    if (step.kind === "write-file") files.add(step.path);
    if (step.kind === "remove-file") files.delete(step.path);
    if (step.kind === "run" && !commands.some((c) => c.join("\0") === step.command.join("\0"))) commands.push(step.command);
  }
  return { version: 1, ...base, caCreated: base.caCreated || (previous?.caCreated ?? false), files: [...files], commands, installedAt };
}

/** Applies an install plan and records what it did in `<stateDir>/local-dns.json`. */
export async function executeInstall(
  steps: readonly LocalDnsStep[],
  options: ExecuteOptions & { stateDir: string; record: RecordBase; now?: () => Date },
): Promise<ExecuteResult> {
  const previous = readLocalDnsRecord(options.stateDir);
  const installedAt = (options.now?.() ?? new Date()).toISOString();
  try {
    const result = await executeSteps(steps, options);
    await writeRecord(options.stateDir, withApplied(previous, options.record, result.applied, installedAt));
    return result;
  } catch (error) {
    const applied = (error as { applied?: LocalDnsStep[] }).applied;
    if (applied !== undefined) await writeRecord(options.stateDir, withApplied(previous, options.record, applied, installedAt));
    throw error;
  }
}

/** Applies an uninstall plan; deletes the record when everything it listed is gone. */
export async function executeUninstall(steps: readonly LocalDnsStep[], options: ExecuteOptions & { stateDir: string }): Promise<ExecuteResult> {
  const previous = readLocalDnsRecord(options.stateDir);
  try {
    const result = await executeSteps(steps, options);
    await writeRecord(options.stateDir, null);
    return result;
  } catch (error) {
    const applied = (error as { applied?: LocalDnsStep[] }).applied;
    if (applied !== undefined && previous !== null) {
      const removed = new Set(applied.flatMap((s) => (s.kind === "remove-file" ? [s.path] : [])));
      // Once the certificate left the keychain, a retry must not try to delete it again.
      const untrusted = applied.some((s) => s.kind === "run" && s.command[0] === "security" && s.command[1] === "delete-certificate");
      await writeRecord(options.stateDir, {
        ...previous,
        files: previous.files.filter((f) => !removed.has(f)),
        commands: untrusted ? previous.commands.filter((c) => !(c[0] === "security" && c[1] === "add-trusted-cert")) : previous.commands,
      });
    }
    throw error;
  }
}
