// A free loopback TCP port, found by letting the kernel pick one and releasing it. Used where a
// port must be written into a config before the server starts (nginx, linkup.yaml).
import { createServer } from "node:net";

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
