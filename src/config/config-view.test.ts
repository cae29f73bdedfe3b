import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isSecretKey } from "../core/mask-secrets.js";
import { effectiveConfig } from "./config-file.js";
import { configView, renderViewYaml, viewJson } from "./config-view.js";

const team = `linkup:
  worker_url: https://worker.example.dev
  worker_token: \${LINKUP_WORKER_TOKEN}
services:
  - name: web
    local: http://127.0.0.1:\${WEB_PORT:-3000}
    remote: https://deploy:hunter2@web.example.com
  - name: api-key
    remote: https://api.example.com
domains:
  - domain: example.com
    default_service: web
sessions:
  - routes: { web: local, api-key: remote }
  - name: pr-1
    type: preview
`;
const local = `services:
  - name: web
    local: http://127.0.0.1:5173
sessions:
  - name: mine
    type: isolated
`;

function view(env: Record<string, string> = { LINKUP_WORKER_TOKEN: "tok-123456" }) {
  return configView(
    effectiveConfig({ team: [{ file: "/p/linkup.yaml", text: team }], local: { file: "/p/linkup.local.yaml", text: local } }, env),
  );
}

describe("config view", () => {
  it("masks secrets (keys and URL passwords) and never prints them", () => {
    const v = view();
    const yaml = renderViewYaml(v);
    const json = JSON.stringify(viewJson(v, { showOrigin: true }));
    for (const out of [yaml, json]) {
      expect(out).not.toContain("tok-123456");
      expect(out).not.toContain("hunter2");
    }
    const doc = parse(yaml);
    expect(doc.linkup.worker_token).toBe("***");
    expect(doc.services[0].remote).toBe("https://***@web.example.com");
    // A service whose name looks like a key is a name, not a secret.
    expect(doc.sessions[0].routes).toEqual({ web: "local", "api-key": "remote" });
  });

  it("marks env-derived values, personal-only values and sessions, and shows the merged values", () => {
    const yaml = renderViewYaml(view(), { cwd: "/p" });
    expect(yaml).toContain(`worker_token: "***" # from $LINKUP_WORKER_TOKEN; masked`);
    expect(yaml).toContain("local: http://127.0.0.1:5173 # personal sessions only");
    expect(yaml).toContain("# personal session (yours; named once and remembered)\n  - routes:");
    expect(yaml).toContain("# shared session\n  - name: pr-1");
    expect(yaml).toContain("# personal session\n  - name: mine");
    expect(yaml.split("\n").slice(0, 2)).toEqual(["# team file: linkup.yaml", "# local override: linkup.local.yaml"]);
  });

  it("--show-origin says file:line for every value", () => {
    const yaml = renderViewYaml(view(), { showOrigin: true, cwd: "/p" });
    expect(yaml).toContain("worker_url: https://worker.example.dev # linkup.yaml:2");
    expect(yaml).toContain("local: http://127.0.0.1:5173 # personal sessions only; linkup.local.yaml:3");
    expect(yaml).toContain("type: isolated # linkup.local.yaml:6");
    const j = viewJson(view(), { showOrigin: true });
    expect(j.values.find((x) => x.path === "services[0].local")).toEqual({
      path: "services[0].local",
      masked: false,
      env: [],
      personal_only: true,
      origin: { file: "/p/linkup.local.yaml", line: 3, column: 12 },
    });
    expect(j.values.find((x) => x.path === "linkup.worker_token")).toMatchObject({ masked: true, env: [{ name: "LINKUP_WORKER_TOKEN", source: "env" }] });
    expect(viewJson(view()).values[0]).not.toHaveProperty("origin");
    expect(j.sessions).toEqual([
      { name: null, personal: true },
      { name: "pr-1", personal: false },
      { name: "mine", personal: true },
    ]);
  });

  it("shows a default that was used", () => {
    const team2 = team.replace("local: http://127.0.0.1:5173", "");
    const v = configView(effectiveConfig({ team: [{ file: "/p/linkup.yaml", text: team2 }] }, { LINKUP_WORKER_TOKEN: "t" }));
    expect(renderViewYaml(v)).toContain("local: http://127.0.0.1:3000 # from default of ${WEB_PORT}");
  });
});

describe("secrets", () => {
  it("recognises secret-looking keys", () => {
    for (const k of ["worker_token", "token", "api_key", "apiKey", "password", "client_secret", "key"]) expect(isSecretKey(k)).toBe(true);
    for (const k of ["worker_url", "domain", "monkey", "keyboard", "default_service", "local"]) expect(isSecretKey(k)).toBe(false);
  });
});
