// Adapts node's IncomingMessage to the core's RequestView. A class rather than an object literal
// of closures: one small allocation per request, and the header lookup reads node's own object.
// Also the two facts about the client's side of a request the proxy needs beyond the core's view.
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { RequestView } from "../../core/request.js";

export class NodeRequestView implements RequestView {
  readonly host: string;
  readonly path: string;
  /** `?a=b` or "" (appended to the upstream path unchanged). */
  readonly search: string;

  constructor(private readonly req: IncomingMessage) {
    const url = req.url ?? "/";
    if (url.charCodeAt(0) === 47 /* "/" */) {
      this.host = req.headers.host ?? "localhost";
      const q = url.indexOf("?");
      this.path = q === -1 ? url : url.slice(0, q);
      this.search = q === -1 ? "" : url.slice(q);
    } else {
      // Absolute form (`GET http://host/path`): its authority is the host (RFC 9112 3.2.2).
      let parsed: URL | undefined;
      try {
        parsed = new URL(url);
      } catch {
        parsed = undefined;
      }
      this.host = parsed?.host || req.headers.host || "localhost";
      this.path = parsed?.pathname ?? "/";
      this.search = parsed?.search ?? "";
    }
  }

  header(name: string): string | undefined {
    const v = this.req.headers[name];
    return typeof v === "string" ? v : v?.[0];
  }
}

/** Whether the client reached this listener over TLS (the HTTPS listener). */
export function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as TLSSocket).encrypted === true;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return typeof value === "string" ? value : value?.[0];
}

/** Origin the client sees (the session host, also when the request came through the tunnel). */
export function publicOrigin(req: IncomingMessage): string {
  const forwardedHost = firstValue(req.headers["x-forwarded-host"])?.split(",")[0]?.trim();
  const forwardedProto = firstValue(req.headers["x-forwarded-proto"])?.split(",")[0]?.trim();
  const proto = forwardedProto === "https" || forwardedProto === "http" ? forwardedProto : isEncrypted(req) ? "https" : "http";
  return `${proto}://${forwardedHost || req.headers.host || "localhost"}`;
}
