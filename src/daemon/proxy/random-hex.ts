// Random hex for traceparent ids on the proxy's hot path. Every request without a traceparent needs
// 48 hex characters. Asking the OS for 24 bytes twice per request showed up in profiles, and so did
// hex-encoding a few bytes per call (Buffer#toString: 2.5 % of the proxy's JavaScript time at
// saturation, issue 19): 4 KiB of crypto-quality random bytes are drawn at a time, hex-encoded
// once, and handed out as slices of that string.
import { randomFillSync } from "node:crypto";

const POOL_BYTES = 4096;
const bytes = Buffer.allocUnsafe(POOL_BYTES);
let pool = "";
let offset = 0;

/** `chars` random hex characters (each character used once, never handed out twice). */
export function pooledRandomHex(chars: number): string {
  if (offset + chars > pool.length) {
    if (chars > POOL_BYTES * 2) {
      // Larger than the pool: not needed by traceparent, served directly.
      return randomFillSync(Buffer.allocUnsafe((chars + 1) >> 1)).toString("hex").slice(0, chars);
    }
    pool = randomFillSync(bytes).toString("hex");
    offset = 0;
  }
  const hex = pool.slice(offset, offset + chars);
  offset += chars;
  return hex;
}
