// A throwaway project directory with a linkup.yaml pointing at the test backends.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Backends } from "./backends.js";

export interface Project {
  dir: string;
  file: string;
  write(yaml: string, name?: string): void;
  remove(): void;
}

export function makeProject(prefix = "linkup-project-"): Project {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = join(dir, "linkup.yaml");
  return {
    dir,
    file,
    write: (yaml, name = "linkup.yaml") => writeFileSync(join(dir, name), yaml),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ConfigInput {
  configId?: string;
  sessions?: string;
  services?: string;
}

/** A config with three services and one domain; `sessions` is the YAML of the sessions list. */
export function configYaml(b: Backends, input: ConfigInput = {}): string {
  return `linkup:
  worker_url: ${b.workerUrl}
  worker_token: \${TEST_WORKER_TOKEN}
${input.configId ? `  config_id: ${input.configId}\n` : ""}services:
${
  input.services ??
  `  - name: web
    local: http://127.0.0.1:3000
    remote: https://web.example.com
  - name: api
    local: http://127.0.0.1:4000
    remote: https://api.example.com
    health:
      path: /health
  - name: auth
    remote: https://auth.example.com
`
}domains:
  - domain: example.com
    default_service: web
    routes:
      - path: ^/api
        service: api
${input.sessions ? `sessions:\n${input.sessions}` : ""}`;
}
