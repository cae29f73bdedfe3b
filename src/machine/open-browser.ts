// Opens a URL in the user's browser (xdg-open, open, or start), without waiting for it. Whether a
// browser really came up cannot be known, so callers print the URL as well.
import { spawn } from "node:child_process";

export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] =
    platform === "darwin" ? ["open", [url]] : platform === "win32" ? ["cmd", ["/c", "start", '""', url.replace(/&/g, "^&")]] : ["xdg-open", [url]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: "ignore" });
    // No opener on this machine (a server, a container): the printed URL is the way in.
    child.on("error", () => {});
    child.unref();
  } catch {
    // As above.
  }
}
