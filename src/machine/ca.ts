// The local certificate authority: created once per machine under `<stateDir>/ca/`, added to the
// system trust store by `linkup local-dns install`, and used by the local HTTPS listener to sign
// leaf certificates for session hosts on the fly. X.509 is built with node-forge; the RSA key pair
// comes from node:crypto because native key generation is much faster than forge's JavaScript one.

import { generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join } from "node:path";
import forge from "node-forge";
import lockfile from "proper-lockfile";
import writeFileAtomic from "write-file-atomic";
import { STATE_FILES } from "../core/defaults.js";
import { LinkupError } from "../core/errors.js";

export const CA_COMMON_NAME = "Linkup Local CA";
const CA_VALIDITY_YEARS = 10;

export interface LocalCa {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
  /** True when this call generated the CA (false: loaded from disk). */
  created: boolean;
}

/** Where the CA lives for a state directory (the files may not exist yet). */
export function caPaths(stateDir: string): { dir: string; certPath: string; keyPath: string } {
  const dir = join(stateDir, STATE_FILES.ca);
  return { dir, certPath: join(dir, "linkup-ca.cert.pem"), keyPath: join(dir, "linkup-ca.key.pem") };
}

/** A positive serial of 16 random bytes (RFC 5280 4.1.2.2: unique, at most 20 octets, positive). */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString("hex");
}

/** A fresh RSA 2048 key pair as forge objects plus the private key PEM. */
export function generateRsaKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
    keyPem: privateKey,
  };
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function ownerLabel(): string {
  // Shown in keychains and trust stores so a developer can tell whose Linkup CA this is.
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return hostname();
  }
}

function buildCaCertificate(): { certPem: string; keyPem: string } {
  const keys = generateRsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerialHex();
  const now = Date.now();
  // Back-date an hour so a clock a little behind does not reject a CA made a moment ago.
  cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
  const notAfter = new Date(now);
  notAfter.setFullYear(notAfter.getFullYear() + CA_VALIDITY_YEARS);
  cert.validity.notAfter = notAfter;
  const subject = [
    { name: "commonName", value: CA_COMMON_NAME },
    { name: "organizationName", value: "Linkup" },
    { name: "organizationalUnitName", value: ownerLabel() },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    // pathLen 0: this CA signs leaves only, never another CA.
    { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

/** Throws unless the PEMs parse and the key belongs to the certificate. */
function checkPair(certPem: string, keyPem: string, certPath: string): void {
  try {
    const x509 = new X509Certificate(certPem);
    const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.certificateFromPem(certPem);
    const pub = cert.publicKey as forge.pki.rsa.PublicKey;
    if (!x509.ca || pub.n.compareTo(key.n) !== 0) throw new Error("the key does not match the certificate");
  } catch (error) {
    throw new LinkupError("CA_INVALID", `The local CA in ${certPath} cannot be used: ${(error as Error).message}.`, {
      hint: "Run `linkup local-dns uninstall`, delete that directory, then `linkup local-dns install` again.",
      cause: error,
    });
  }
}

function loadExisting(certPath: string, keyPath: string): LocalCa | null {
  const certPem = readIfExists(certPath);
  const keyPem = readIfExists(keyPath);
  if (certPem === null) return null; // Nothing published yet (a lone key is a crash leftover).
  if (keyPem === null) {
    throw new LinkupError("CA_KEY_MISSING", `The local CA certificate ${certPath} exists but its key ${keyPath} is missing.`, {
      hint: "Run `linkup local-dns uninstall`, delete that directory, then `linkup local-dns install` again.",
    });
  }
  checkPair(certPem, keyPem, certPath);
  return { certPem, keyPem, certPath, keyPath, created: false };
}

/** The CA if it exists, without ever creating it (dry runs, status). */
export function loadCa(stateDir: string): LocalCa | null {
  const { certPath, keyPath } = caPaths(stateDir);
  return loadExisting(certPath, keyPath);
}

/**
 * The machine's local CA, generated on first use. Reused afterwards: it may already be trusted by
 * the OS, and a new one would silently break every browser that trusts the old one.
 */
export async function loadOrCreateCa(stateDir: string): Promise<LocalCa> {
  const { dir, certPath, keyPath } = caPaths(stateDir);
  const existing = loadExisting(certPath, keyPath);
  if (existing !== null) return existing;

  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The server and `local-dns install` may both get here at once; two CAs would leave one of them
  // trusted and the other signing.
  const release = await lockfile.lock(dir, {
    lockfilePath: join(dir, "create.lock"),
    retries: { retries: 50, minTimeout: 50, maxTimeout: 500 },
    stale: 30_000,
  });
  try {
    const raced = loadExisting(certPath, keyPath);
    if (raced !== null) return raced;
    const { certPem, keyPem } = buildCaCertificate();
    // Key before certificate: the certificate's presence is what marks the CA as complete.
    await writeFileAtomic(keyPath, keyPem, { mode: 0o600 });
    await writeFileAtomic(certPath, certPem, { mode: 0o644 });
    return { certPem, keyPem, certPath, keyPath, created: true };
  } finally {
    await release();
  }
}
