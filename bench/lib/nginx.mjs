// nginx as the reference reverse proxy: a generated config in a temp directory, one worker
// process (the Node proxy is one thread too, so the ratio compares like with like), keep-alive to
// the upstream, no access log, and nothing written outside the temp directory.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execaSync } from "execa";
import { freePort } from "./free-port.mjs";
import { spawnTracked, stopProcess } from "./processes.mjs";
import { waitForHttp } from "./wait-for.mjs";

const CANDIDATES = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx", "/usr/local/bin/nginx"];

export const NGINX_INSTALL_HINT = "nginx not found: install it with `sudo apt-get install nginx-light` (Debian/Ubuntu) or `brew install nginx` to add the nginx column.";

export function findNginx() {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  try {
    return execaSync("sh", ["-c", "command -v nginx"]).stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

function config({ dir, port, upstreamPort }) {
  const t = (name) => join(dir, name);
  return `
daemon off;
master_process on;
worker_processes 1;
pid ${t("nginx.pid")};
error_log ${t("error.log")} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${t("client_body")};
  proxy_temp_path ${t("proxy")};
  fastcgi_temp_path ${t("fastcgi")};
  uwsgi_temp_path ${t("uwsgi")};
  scgi_temp_path ${t("scgi")};
  upstream bench_upstream {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      # Stream large bodies through memory buffers, never through temp files on disk.
      proxy_max_temp_file_size 0;
    }
  }
}
`;
}

/** Starts nginx in front of the upstream; returns { url, version, stop() }. */
export async function startNginx({ binary, dir, upstreamPort }) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const conf = join(dir, "nginx.conf");
  writeFileSync(conf, config({ dir, port, upstreamPort }));
  const version = execaSync(binary, ["-v"], { reject: false }).stderr.trim().replace(/^nginx version: /, "");
  const child = spawnTracked(binary, ["-p", dir, "-c", conf, "-e", join(dir, "error.log")]);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/1k`);
  return { url, version, pid: child.pid, stop: () => stopProcess(child) };
}
