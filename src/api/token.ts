// Constant-time token comparison with WebCrypto (crypto.subtle), so the same code runs in workerd
// and in Node (globalThis.crypto, Node 20+).

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * Constant-time string equality. Both sides are hashed first so the comparison loop always runs
 * over 32 bytes, whatever the lengths: neither the token's length nor a matching prefix leaks
 * through timing.
 */
export async function tokensEqual(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
