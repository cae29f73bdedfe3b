// A tiny worker for the Miniflare test: exposes tunnel-store over fetch so the test can prove the
// provider code runs in workerd against real (Miniflare) KV. Not part of the product.
import { startTunnel, cleanupTunnels, type TunnelKv } from "../../src/worker/tunnels/tunnel-store.js";
import { tunnelProviderFromEnv, type TunnelEnv } from "../../src/worker/tunnels/from-env.js";

interface Env extends TunnelEnv {
  LINKUP_TUNNELS: TunnelKv;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const now = Number(url.searchParams.get("now"));
    try {
      const provider = tunnelProviderFromEnv(env);
      const start = /^\/start\/([a-z0-9-]+)$/.exec(url.pathname);
      if (start && request.method === "POST") return Response.json(await startTunnel(env.LINKUP_TUNNELS, provider, start[1]!, now));
      if (url.pathname === "/cleanup" && request.method === "POST") return Response.json(await cleanupTunnels(env.LINKUP_TUNNELS, provider, now));
      if (url.pathname === "/keys") return Response.json((await env.LINKUP_TUNNELS.list()).keys.map((k) => k.name));
      return new Response("not found", { status: 404 });
    } catch (err) {
      return Response.json({ error: err instanceof Error ? err.message : String(err) }, { status: 500 });
    }
  },
};
