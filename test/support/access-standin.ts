// A local stand-in for Cloudflare Access's side of the contract an origin sees: the team's signing
// keys as a JWKS at /cdn-cgi/access/certs (the worker is pointed at it with ACCESS_CERTS_URL, which
// it accepts for loopback URLs only), and application tokens shaped as Access issues them: RS256,
// `kid` in the header, iss = https://<team domain>, aud = [AUD tag], exp/iat/nbf, email (or
// common_name for a service token).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from "jose";

export const TEAM_DOMAIN = "linkup-test.cloudflareaccess.com";
export const AUDIENCE = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

export interface AccessStandin {
  certsUrl: string;
  /** JWKS requests served so far (the worker should cache them). */
  fetches(): number;
  /** A token as Access would issue it for a person; `over` replaces claims, `key`/`kid` sign with another key. */
  token(options?: { claims?: JWTPayload; key?: PrivateKey; kid?: string; expiresInS?: number }): Promise<string>;
  /** A key pair Access does not know (for "signed by the wrong key"). */
  foreignKey(): Promise<PrivateKey>;
  close(): Promise<void>;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

/** An unsigned token (`alg: none`), otherwise valid: what an attacker would try first. */
export function unsignedToken(claims: JWTPayload): string {
  return `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
}

export async function startAccessStandin(): Promise<AccessStandin> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const previous = await generateKeyPair("RS256", { extractable: true });
  const kid = "current-key";
  // Like Access: the current key and the one rotated out.
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }, { ...(await exportJWK(previous.publicKey)), kid: "previous-key", alg: "RS256", use: "sig" }] };
  let fetches = 0;
  const server = http.createServer((req, res) => {
    if (req.url === "/cdn-cgi/access/certs") {
      fetches++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(jwks));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    certsUrl: `http://127.0.0.1:${port}/cdn-cgi/access/certs`,
    fetches: () => fetches,
    async token(options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const claims: JWTPayload = {
        aud: [AUDIENCE],
        iss: `https://${TEAM_DOMAIN}`,
        email: "dev@example.com",
        type: "app",
        sub: "7335d417-61da-459d-899c-0a01c76a2f94",
        iat: now,
        nbf: now,
        exp: now + (options.expiresInS ?? 3600),
        ...options.claims,
      };
      return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: options.kid ?? kid, typ: "JWT" }).sign(options.key ?? privateKey);
    },
    foreignKey: async () => (await generateKeyPair("RS256")).privateKey,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
