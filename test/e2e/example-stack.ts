// The whole example running for a test: both copies of web/api/auth on free ports, a copy of
// examples/linkup.yaml rewritten to those ports, and Linkup on the embedded default started
// through its CLI (`linkup apply`) with LINKUP_HOME in a temp directory and free ports for the
// worker, the local server and its admin API. close() runs `linkup stop` and closes the services.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startExampleServices } from "../../examples/services/start-services.mjs";
import { EXAMPLE_PORTS } from "../../examples/ports.mjs";
import {
  EXAMPLE_CONFIG,
  linkupEnv,
  linkupOk,
  listSessions,
  runLinkup,
  stopLinkup,
} from "../../examples/demo/linkup-runtime.mjs";

export interface LoggedRequest {
  method: string;
  path: string;
  host: string | null;
  forwardedHost: string | null;
  session: string | null;
  referer: string | null;
  origin: string | null;
  traceparent: string | null;
  tracestate: string | null;
  baggage: string | null;
  websocket?: boolean;
}

export interface ExampleStack {
  dir: string;
  env: NodeJS.ProcessEnv;
  ports: { worker: number; proxy: number; admin: number };
  workerUrl: string;
  proxyUrl: string;
  configFile: string;
  /** The personal (tunneled) session's generated name. */
  personal: string;
  /** Each session's page URL as `linkup sessions list` prints it. */
  urls: Record<string, string>;
  /** What one copy of one service has seen, asked of the service itself (not through Linkup). */
  requests(copy: "local" | "remote", service: "web" | "api" | "auth"): LoggedRequest[];
  linkup(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startExampleStack(): Promise<ExampleStack> {
  const dir = await mkdtemp(join(tmpdir(), "linkup-e2e-"));
  const ports = { worker: await freePort(), proxy: await freePort(), admin: await freePort() };
  const configFile = join(dir, "linkup.yaml");
  const env = linkupEnv({ home: join(dir, "home"), config: configFile, ports }) as NodeJS.ProcessEnv;
  const workerUrl = `http://127.0.0.1:${ports.worker}`;
  const proxyUrl = `http://127.0.0.1:${ports.proxy}`;
  const servicePorts = {
    remote: { web: await freePort(), api: await freePort(), auth: await freePort() },
    local: { web: await freePort(), api: await freePort(), auth: await freePort() },
  };
  let system: Awaited<ReturnType<typeof startExampleServices>> | undefined;
  let linkupStarted = false;
  const close = async () => {
    if (linkupStarted) await stopLinkup(env);
    await system?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    system = await startExampleServices({ ports: servicePorts, workerUrl, proxyUrl });
    // The example config, with each service's loopback port swapped for this run's.
    let config = await readFile(EXAMPLE_CONFIG, "utf8");
    for (const copy of ["remote", "local"] as const)
      for (const svc of ["web", "api", "auth"] as const)
        config = config.replaceAll(`127.0.0.1:${EXAMPLE_PORTS[copy][svc]}`, `127.0.0.1:${servicePorts[copy][svc]}`);
    config = config.replace("$schema=../linkup.schema.json", `$schema=${join(process.cwd(), "linkup.schema.json")}`);
    await writeFile(configFile, config);

    linkupStarted = true;
    await linkupOk(["apply", "-f", configFile], env);
    const sessions = (await listSessions(env)) as { name: string; personal: boolean; url: string }[];
    const personal = sessions.find((s) => s.personal)?.name;
    if (!personal) throw new Error("linkup apply did not record a personal session name");
    const urls = Object.fromEntries(sessions.map((s) => [s.name, s.url]));
    const services = system.services;
    return {
      dir,
      env,
      ports,
      workerUrl,
      proxyUrl,
      configFile,
      personal,
      urls,
      requests: (copy, service) => (services.find((s: any) => s.copy === copy && s.name === service) as any).log.list() as LoggedRequest[],
      linkup: (args) => runLinkup(args, env),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
