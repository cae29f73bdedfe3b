import { describe, expect, it } from "vitest";
import { describeItem } from "./change-overview.js";
import { maskUrl } from "../core/mask-secrets.js";
import { offlineDiff, offlineDiffJson, renderOfflineText } from "./offline-diff.js";
import { hasChanges } from "./plan.js";
import { codeSpan, MARKDOWN_MARKER, renderMarkdown } from "./render-markdown.js";

const BASE = `linkup:
  worker_token: \${LINKUP_WORKER_TOKEN}
services:
  - name: web
    local: http://127.0.0.1:3000
    remote: https://deploy:hunter2@web.example.com
  - name: api
    local: http://127.0.0.1:4000
    remote: https://api.example.com/v1?api_key=\${API_KEY}&lang=en
domains:
  - domain: example.com
    default_service: web
    routes:
      - path: ^/api
        service: api
sessions:
  - type: tunneled
  - name: qa
    type: isolated
`;

const HEAD = BASE.replace("  - type: tunneled\n", "  - type: tunneled\n    routes: { web: local }\n")
  .replace("  - name: qa\n    type: isolated\n", "  - name: pr-7\n    type: preview\n    ttl: 72h\n    routes: { api: https://api-pr-7.example.com/?token=s3cr3t-tok }\n")
  .replace("domains:\n", "  - name: billing\n    remote: https://billing.example.com\ndomains:\n")
  .replace("        service: api\n", "        service: api\n      - path: ^/billing\n        service: billing\n  - domain: shop.example.com\n    default_service: web\n");

const version = (label: string, text: string | undefined) => ({ label, file: label, text });

describe("offline diff", () => {
  const d = offlineDiff(version("main:linkup.yaml", BASE), version("linkup.yaml", HEAD));

  it("plans the declared sessions of one version against the other's", () => {
    expect(hasChanges(d.actions)).toBe(true);
    const kinds = d.actions.map((a) => `${a.kind} ${a.name}@${a.placement}`);
    expect(kinds).toEqual(["update (personal)@local", "update (personal)@worker", "create pr-7@worker", "delete qa@local"]);
  });

  it("layers each version's linkup.local.yaml as apply does: shared sessions come from the team file alone", () => {
    const local = { file: "linkup.local.yaml", text: "services:\n  - name: web\n    local: http://127.0.0.1:5173\n" };
    const layered = offlineDiff(version("a", BASE), { ...version("b", BASE), local });
    expect(layered.actions.filter((a) => a.kind !== "unchanged").map((a) => `${a.kind} ${a.name}@${a.placement}`)).toEqual([
      "update (personal)@local",
      "update (personal)@worker",
    ]);
  });

  it("says what the change does in words", () => {
    expect(d.overview.map((i) => describeItem(i))).toEqual([
      "session (personal): web: remote → local",
      "session pr-7 added (preview)",
      "session qa removed (isolated; `apply --prune` deletes it)",
      "service billing added",
      "domain example.com: route ^/billing → billing added",
      "domain shop.example.com added",
    ]);
  });

  it("never shows credentials from URLs, nor resolves ${VAR}", () => {
    const all = [renderOfflineText(d), JSON.stringify(offlineDiffJson(d)), renderMarkdown({ from: "a", to: "b", actions: d.actions, overview: d.overview })].join("\n");
    expect(all).not.toContain("hunter2");
    expect(all).not.toContain("s3cr3t-tok");
    expect(all).toContain("https://***@web.example.com");
    expect(all).toContain("api_key=${API_KEY}&lang=en");
    expect(all).toContain("?token=***");
  });

  it("reports nothing when the sessions are the same, even if the text differs", () => {
    const same = offlineDiff(version("a", BASE), version("b", BASE.replace("sessions:", "# a comment\nsessions:")));
    expect(hasChanges(same.actions)).toBe(false);
    expect(renderOfflineText(same)).toBe("No change to any session (a → b).\n0 to create, 0 to change, 0 to delete");
  });

  it("treats a file missing from one version as everything added (or removed)", () => {
    const added = offlineDiff(version("main:linkup.yaml", undefined), version("linkup.yaml", BASE));
    expect(added.overview.map((i) => i.kind)).toEqual(["session-added", "session-added"]);
    expect(renderOfflineText(added)).toContain("main:linkup.yaml (absent) → linkup.yaml");
    const removed = offlineDiff(version("main:linkup.yaml", BASE), version("linkup.yaml", undefined));
    expect(removed.actions.every((a) => a.kind === "delete")).toBe(true);
    expect(() => offlineDiff(version("a", undefined), version("b", undefined))).toThrow(/nothing to compare/);
  });

  it("shows a change in a config without sessions through the personal session start would create", () => {
    const bare = BASE.slice(0, BASE.indexOf("sessions:"));
    const r = offlineDiff(version("a", bare), version("b", bare.replace("default_service: web", "default_service: api")));
    expect(r.overview.map((i) => describeItem(i))).toEqual(["domain example.com: default service web → api"]);
  });

  it("reports a config error with the version's file name", () => {
    expect(() => offlineDiff(version("main:linkup.yaml", "services: 3\n"), version("linkup.yaml", BASE))).toThrow(/main:linkup\.yaml:1:\d+/);
  });
});

describe("markdown report", () => {
  const d = offlineDiff(version("main:linkup.yaml", BASE), version("linkup.yaml", HEAD));
  const md = renderMarkdown({ from: "origin/main:linkup.yaml", to: "linkup.yaml", actions: d.actions, overview: d.overview });

  it("starts with a marker and the summary table, then folds each session's diff", () => {
    const lines = md.split("\n");
    expect(lines[0]).toBe(MARKDOWN_MARKER);
    expect(lines[1]).toBe("### Linkup sessions: `origin/main:linkup.yaml` → `linkup.yaml`");
    expect(md.indexOf("| ~ | session `(personal)`: `web`: `remote` → `local` |")).toBeGreaterThan(0);
    expect(md.indexOf("| ~ |")).toBeLessThan(md.indexOf("<details>"));
    expect(md).toContain("<summary><code>session/pr-7</code> (worker): will be created</summary>");
    expect(md).toContain("```diff\n--- /dev/null\n+++ desired/session/pr-7");
    expect(md.match(/<details>/g)).toHaveLength(3);
  });

  it("quotes whatever the config holds (pipes, backticks, HTML)", () => {
    expect(codeSpan("a`b")).toBe("``a`b``");
    expect(codeSpan("`x")).toBe("`` `x ``");
    const evil = offlineDiff(version("a", BASE), version("b", BASE.replace("path: ^/api", "path: '^/(a|b)`<img src=x>'")));
    const out = renderMarkdown({ from: "a", to: "b", actions: evil.actions, overview: evil.overview });
    expect(out).toContain("``^/(a\\|b)`<img src=x>``");
    expect(out).not.toMatch(/^<img/m);
  });

  it("stays under the size limit and says what it left out", () => {
    const out = renderMarkdown({ from: "a", to: "b", actions: d.actions, overview: d.overview, maxLength: 1500 });
    expect(out.length).toBeLessThan(1500);
    expect(out).toMatch(/_\d session diffs? left out/);
  });

  it("says so when nothing changes", () => {
    const same = offlineDiff(version("a", BASE), version("b", BASE));
    expect(renderMarkdown({ from: "a", to: "b", actions: same.actions, overview: same.overview })).toContain("No change to any Linkup session (2 unchanged).");
  });
});

describe("maskUrl", () => {
  it("masks user-info and credential-looking query values, keeping bare ${VAR} references", () => {
    expect(maskUrl("https://u:p@h.example/x")).toBe("https://***@h.example/x");
    expect(maskUrl("https://tok@h.example")).toBe("https://***@h.example");
    expect(maskUrl("https://${U}:${P}@h.example")).toBe("https://${U}:${P}@h.example");
    expect(maskUrl("https://h.example/?a=1&access_token=zz&Signature=q#frag")).toBe("https://h.example/?a=1&access_token=***&Signature=***#frag");
    expect(maskUrl("https://h.example/p@q")).toBe("https://h.example/p@q");
    expect(maskUrl("https://h.example/?key=${K:-fallback}")).toBe("https://h.example/?key=***");
    expect(maskUrl("remote")).toBe("remote");
  });
});
