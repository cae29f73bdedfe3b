// Who holds a port Linkup wants: nothing, this very Linkup, another Linkup (and which state
// directory it runs from, so the message can say how to stop it), or another program. Asked by
// the CLI before it starts a local server and by a local server whose listener found its port
// taken. It uses only the unauthenticated GET /linkup/check (src/core/check.ts): a Linkup listener
// gives its state directory's id and its admin port, and the loopback admin listener the path.
import { homedir } from "node:os";
import { join } from "node:path";
import { CHECK_PATH, parseCheck, type LinkupCheck } from "../core/check.js";
import { stateDirId } from "./state-dir.js";

export type Probe = { kind: "linkup"; check: LinkupCheck } | { kind: "other-http"; status: number } | { kind: "no-answer" };

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** GET <base>/linkup/check: a Linkup's answer, another HTTP server's status, or nothing within the timeout. */
export async function probeCheck(baseUrl: string, timeoutMs = 1_000): Promise<Probe> {
  // A timer that keeps the process alive: against a socket that accepts and closes, fetch can
  // wait with no other handle open, and AbortSignal.timeout's timer would let Node exit (status 0)
  // in the middle of the command.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(`${baseUrl}${CHECK_PATH}`, { signal: controller.signal, redirect: "manual" });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const check = res.status === 200 ? parseCheck(body) : undefined;
    return check ? { kind: "linkup", check } : { kind: "other-http", status: res.status };
  } catch {
    return { kind: "no-answer" };
  } finally {
    clearTimeout(timer);
  }
}

export type PortHolder =
  | { kind: "this-linkup"; check: LinkupCheck }
  | { kind: "other-linkup"; check: LinkupCheck; stateDir: string | null }
  | { kind: "other-program"; speaksHttp: boolean };

/** The state directory of another Linkup: from its admin listener, else by trying the default one. */
async function stateDirOf(check: LinkupCheck, home: string | undefined): Promise<string | null> {
  if (check.state_dir) return check.state_dir;
  if (check.admin_port) {
    const admin = await probeCheck(`http://127.0.0.1:${check.admin_port}`);
    if (admin.kind === "linkup" && admin.check.state_id === check.state_id && admin.check.state_dir) return admin.check.state_dir;
  }
  const candidates = [home, join(homedir(), ".linkup")].filter((d): d is string => !!d);
  return candidates.find((d) => check.state_id !== null && stateDirId(d) === check.state_id) ?? null;
}

export async function portHolder(
  host: string,
  port: number,
  ownStateDir: string,
  /** LINKUP_HOME, if set: a state directory worth trying when the holder does not say its own. */
  home?: string,
): Promise<PortHolder> {
  const connectHost = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  const probe = await probeCheck(`http://${urlHost(connectHost)}:${port}`);
  if (probe.kind !== "linkup") return { kind: "other-program", speaksHttp: probe.kind === "other-http" };
  if (probe.check.state_id !== null && probe.check.state_id === stateDirId(ownStateDir)) return { kind: "this-linkup", check: probe.check };
  return { kind: "other-linkup", check: probe.check, stateDir: await stateDirOf(probe.check, home) };
}

const ROLE_NAMES: Record<LinkupCheck["role"], string> = {
  "local-proxy": "local server's proxy",
  "local-admin": "local server's admin API",
  worker: "embedded worker",
};

/**
 * One sentence for "port taken": the port, who holds it, and what to do. `setting` names the
 * variable that picks this port (LINKUP_PROXY_PORT, ...).
 */
export function describePortHolder(what: string, host: string, port: number, holder: PortHolder, setting: string): { message: string; hint: string } {
  const where = `${host}:${port}`;
  switch (holder.kind) {
    case "this-linkup":
      return {
        message: `${what} port ${where} is held by a Linkup ${ROLE_NAMES[holder.check.role]} of this same state directory (version ${holder.check.version}), which the pid file does not name: a server that lost its pid file, or a helper a crashed server left behind`,
        hint: "run `linkup stop`, which ends it; if it stays, end the process holding the port",
      };
    case "other-linkup": {
      const dir = holder.stateDir;
      return {
        message: `${what} port ${where} is held by another Linkup: its ${ROLE_NAMES[holder.check.role]} (version ${holder.check.version}, state directory ${dir ?? `with id ${holder.check.state_id ?? "unknown"}`})`,
        hint: dir
          ? `stop it with \`LINKUP_HOME=${dir} linkup stop\`, or give this Linkup another port with ${setting}`
          : `stop it with \`linkup stop\` run with the LINKUP_HOME it was started with, or give this Linkup another port with ${setting}`,
      };
    }
    case "other-program":
      return {
        message: `${what} port ${where} is in use by another program (${holder.speaksHttp ? "an HTTP server that is not Linkup" : "it does not answer as Linkup"})`,
        hint: `stop that program, or choose another port with ${setting}`,
      };
  }
}
