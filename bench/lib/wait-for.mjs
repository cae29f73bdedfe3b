// Polls until an HTTP endpoint answers (any status), with a deadline, for servers that give no
// ready signal of their own.
export async function waitForHttp(url, { timeoutMs = 15_000, headers = {} } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      return res.status;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last?.message ?? "no answer"})`);
}
