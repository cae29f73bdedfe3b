// "Does a Linkup server answer at this origin?": a GET of /linkup/v1/check where any HTTP answer
// counts (a 401 still means the server is up). For waiting on a server that is starting and for
// `health`, before any token may exist.
import { API_PREFIX } from "../core/api.js";
import { fetchWithTimeout } from "./ref-timeout.js";

export async function isReachable(origin: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    await fetchWithTimeout(`${origin}${API_PREFIX}/check`, {}, timeoutMs);
    return true;
  } catch {
    return false;
  }
}
