// The personal session's name survives the loss or damage of personal-session.json: it is taken
// back from the sessions the config manages on the local server, and a damaged file is kept.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PERSONAL_SESSION_FILE, rememberedPersonalName, resolvePersonalName } from "../../src/machine/personal-session.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "linkup-personal-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = () => join(dir, PERSONAL_SESSION_FILE);
const none = { exists: () => false };

describe("resolvePersonalName", () => {
  it("returns the remembered name", async () => {
    writeFileSync(file(), JSON.stringify({ app: "slim-gecko" }));
    expect(await resolvePersonalName(dir, "app", { ...none, owned: ["other-name"] })).toEqual({ name: "slim-gecko" });
  });

  it("takes the name back from the local server when the file is corrupt, keeping the damaged file", async () => {
    writeFileSync(file(), '{"app": "slim-gecko", "other-config": "brave-otter"');
    const r = await resolvePersonalName(dir, "app", { ...none, owned: ["slim-gecko"] });
    expect(r.name).toBe("slim-gecko");
    expect(r.note).toMatch(/was unreadable .* kept as .*corrupt-.*recovered .*: slim-gecko/);
    expect(rememberedPersonalName(dir, "app")).toBe("slim-gecko");
    const kept = readdirSync(dir).filter((f) => f.startsWith(`${PERSONAL_SESSION_FILE}.corrupt-`));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0]!), "utf8")).toContain("brave-otter");
  });

  it("takes the name back when the file is gone, and names the other leftovers", async () => {
    const r = await resolvePersonalName(dir, "app", { ...none, owned: ["lime-panda", "brave-otter"] });
    expect(r.name).toBe("brave-otter");
    expect(r.note).toContain("also managed by it and not in the config: lime-panda");
    expect(rememberedPersonalName(dir, "app")).toBe("brave-otter");
  });

  it("with a corrupt file and no local server to ask: a name for now, the file left for next time", async () => {
    writeFileSync(file(), "not json");
    const r = await resolvePersonalName(dir, "app", { ...none, owned: undefined });
    expect(r.name).toMatch(/^[a-z]+-[a-z]+$/);
    expect(r.note).toContain("left as it is");
    expect(readFileSync(file(), "utf8")).toBe("not json");
  });

  it("mints and remembers a fresh name when nothing is known, without guessing from a readable file", async () => {
    writeFileSync(file(), JSON.stringify({ other: "brave-otter" }));
    // A readable file that never knew this config: a managed leftover is a removed named session, not ours.
    const r = await resolvePersonalName(dir, "app", { exists: (n) => n === "taken-name", owned: ["old-named-session"] });
    expect(r.name).not.toBe("old-named-session");
    expect(r.note).toBeUndefined();
    expect(JSON.parse(readFileSync(file(), "utf8"))).toEqual({ other: "brave-otter", app: r.name });
    expect(existsSync(file())).toBe(true);
  });
});
