// Random hex for traceparent ids on the proxy's hot path. Every request without a traceparent needs
// 48 hex characters; asking the OS for 24 bytes twice per request showed up in profiles, so bytes
// are drawn 4 KiB at a time and handed out from the pool (still crypto-quality randomness).
import { randomFillSync } from "node:crypto";

const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

export function pooledRandomHex(chars: number): string {
  const bytes = (chars + 1) >> 1;
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString("hex", offset, offset + bytes);
  offset += bytes;
  return chars & 1 ? hex.slice(0, chars) : hex;
}
