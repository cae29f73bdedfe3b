// Glue between the certificate minter and node's TLS servers: an SNICallback that hands each
// handshake a secure context for its server name. A handshake without SNI, or for a name outside
// the configured domains, fails: there is no default certificate to fall back on, on purpose.

import tls from "node:tls";
import type { CertMinter, MintedCert } from "./cert-minter.js";

export type SniCallback = (servername: string, callback: (error: Error | null, context?: tls.SecureContext) => void) => void;

export function createSniContext(minter: CertMinter): SniCallback {
  // Keyed by the minted object, so a context lives exactly as long as the minter caches its cert.
  const contexts = new WeakMap<MintedCert, tls.SecureContext>();
  return (servername, callback) => {
    let minted: MintedCert | null;
    try {
      minted = minter.certFor(servername);
    } catch (error) {
      callback(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (minted === null) {
      callback(new Error(`linkup: no certificate for "${servername}": not inside a configured domain`));
      return;
    }
    let context = contexts.get(minted);
    if (context === undefined) {
      context = tls.createSecureContext({ cert: minted.cert, key: minted.key });
      contexts.set(minted, context);
    }
    callback(null, context);
  };
}
