// Leaf certificates minted on demand for the SNI name of each TLS handshake, signed by the local
// CA. Minting per exact name (rather than a `*.domain` wildcard) works at any depth
// (`a.b.example.test`) and needs no restart when domains change. Only names inside the configured
// domains are signed: the CA is trusted system-wide, so signing anything else would let this
// process impersonate arbitrary sites.

import forge from "node-forge";
import { findZone } from "../dns/dns-server.js";
import { generateRsaKeyPair, randomSerialHex, type LocalCa } from "../../machine/ca.js";

export interface MintedCert {
  cert: string;
  key: string;
}

export interface CertMinter {
  /** A certificate for `servername`, or null when the name is outside the configured domains. */
  certFor(servername: string): MintedCert | null;
}

export interface CertMinterOptions {
  ca: Pick<LocalCa, "certPem" | "keyPem">;
  /** Read on every new name, so domain changes apply without a restart. */
  domains: () => string[];
  /** Most recently used names kept; older ones are minted again when asked for. */
  cacheSize?: number;
  validityDays?: number;
  now?: () => number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
// Lowercase hostname labels; an underscore is tolerated because dev hostnames use it.
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

function normaliseServername(servername: string): string | null {
  const name = servername.toLowerCase().replace(/\.$/, "");
  if (name.length === 0 || name.length > 253) return null;
  return name.split(".").every((label) => HOST_LABEL.test(label)) ? name : null;
}

interface CacheEntry {
  minted: MintedCert;
  /** Re-mint a day before expiry: a local server may run for months. */
  renewAt: number;
}

export function createCertMinter(options: CertMinterOptions): CertMinter {
  const cacheSize = options.cacheSize ?? 500;
  const validityDays = options.validityDays ?? 90;
  const now = options.now ?? Date.now;
  const caCert = forge.pki.certificateFromPem(options.ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(options.ca.keyPem);
  // One key pair for every leaf: generating a key per name would stall each first handshake, and
  // the key never leaves this process's memory (mitmproxy and mkcert-style dev proxies do the same).
  let leafKeys: ReturnType<typeof generateRsaKeyPair> | null = null;
  // Map keeps insertion order; re-inserting on use makes the first key the least recently used.
  const cache = new Map<string, CacheEntry>();

  function mint(name: string): CacheEntry {
    leafKeys ??= generateRsaKeyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = leafKeys.publicKey;
    cert.serialNumber = randomSerialHex();
    const issuedAt = now();
    const notAfter = Math.min(issuedAt + validityDays * DAY_MS, caCert.validity.notAfter.getTime());
    cert.validity.notBefore = new Date(issuedAt - 60 * 60 * 1000);
    cert.validity.notAfter = new Date(notAfter);
    cert.setSubject([{ name: "commonName", value: name }]);
    cert.setIssuer(caCert.subject.attributes);
    cert.setExtensions([
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      // Browsers ignore the CN; the SAN is what they check.
      { name: "subjectAltName", altNames: [{ type: 2, value: name }] },
      { name: "subjectKeyIdentifier" },
      { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ]);
    cert.sign(caKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
    return {
      minted: { cert: forge.pki.certificateToPem(cert), key: leafKeys.keyPem },
      renewAt: notAfter - DAY_MS,
    };
  }

  return {
    certFor(servername) {
      const name = normaliseServername(servername);
      if (name === null || findZone(name, options.domains()) === null) return null;
      let entry = cache.get(name);
      if (entry !== undefined) cache.delete(name);
      if (entry === undefined || now() >= entry.renewAt) entry = mint(name);
      cache.set(name, entry);
      if (cache.size > cacheSize) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return entry.minted;
    },
  };
}
