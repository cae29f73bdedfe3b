// The completion engine against the real command definitions: what Tab offers for a given line.
import { describe, expect, it } from "vitest";
import { commands } from "./commands/index.js";
import { complete, completionOutput, type CompletionSources } from "./complete.js";

const asked: { kind: string; config: string | undefined }[] = [];
const sources: CompletionSources = {
  async services(config) {
    asked.push({ kind: "services", config });
    return ["api", "auth", "web"];
  },
  async sessions(config) {
    asked.push({ kind: "sessions", config });
    return ["lime-panda", "pr-42"];
  },
};
const tab = (...words: string[]) => complete(commands, words, sources);

describe("__complete", () => {
  it("offers commands, then a group's subcommands (aliases too), never the hidden one", async () => {
    const top = await tab("");
    expect(top.values).toEqual(expect.arrayContaining(["apply", "status", "sessions", "logs", "version", "completion"]));
    expect(top.values).not.toContain("__complete");
    expect((await tab("st")).values).toEqual(["start", "stop", "status"]);
    expect((await tab("sessions", "")).values).toEqual(expect.arrayContaining(["list", "ls", "create-preview", "delete"]));
    expect((await tab("sessions", "d")).values).toEqual(["delete"]);
    expect((await tab("nope", "")).values).toEqual([]);
  });

  it("offers a command's flags and the global ones", async () => {
    const flags = (await tab("apply", "--")).values;
    expect(flags).toEqual(expect.arrayContaining(["--dry-run", "--prune", "--watch", "--output", "--json", "--file", "--quiet", "--verbose", "--color"]));
    expect((await tab("apply", "--pr")).values).toEqual(["--prune"]);
    expect((await tab("apply", "-")).values).toEqual(expect.arrayContaining(["-o", "-f", "-w", "-q", "-v"]));
  });

  it("offers the values of -o and of any option with choices, in every spelling", async () => {
    expect((await tab("status", "-o", "")).values).toEqual(["text", "json", "yaml", "name", "wide"]);
    expect((await tab("status", "--output", "y")).values).toEqual(["yaml"]);
    // bash splits --output=ya into three words; zsh and fish keep one.
    expect((await tab("status", "--output", "=", "ya")).values).toEqual(["yaml"]);
    expect((await tab("status", "--output", "=")).values).toEqual(["text", "json", "yaml", "name", "wide"]);
    expect((await tab("status", "--output=w")).values).toEqual(["--output=wide"]);
    expect((await tab("apply", "--dry-run", "=", "s")).values).toEqual(["server"]);
    expect((await tab("completion", "--shell", "")).values).toEqual(["bash", "zsh", "fish"]);
    expect((await tab("--color", "n")).values).toEqual(["never"]);
  });

  it("completes files after -f and --config", async () => {
    expect(await tab("apply", "-f", "")).toEqual({ values: [], files: true });
    expect(await tab("diff", "--config", "li")).toEqual({ values: [], files: true });
    expect((await tab("diff", "--file=li")).files).toBe(true);
  });

  it("completes route's target, then service names from the config named on the line", async () => {
    expect((await tab("route", "")).values).toEqual(["local", "remote"]);
    asked.length = 0;
    expect((await tab("route", "-f", "team.yaml", "local", "")).values).toEqual(["api", "auth", "web"]);
    expect(asked).toEqual([{ kind: "services", config: "team.yaml" }]);
    // Services already on the line are not offered again.
    expect((await tab("route", "remote", "web", "a")).values).toEqual(["api", "auth"]);
  });

  it("completes session names after --session and sessions delete", async () => {
    expect((await tab("status", "--session", "")).values).toEqual(["lime-panda", "pr-42"]);
    expect((await tab("route", "local", "web", "--session", "l")).values).toEqual(["lime-panda"]);
    expect((await tab("sessions", "delete", "p")).values).toEqual(["pr-42"]);
    // One name only: nothing after it.
    expect((await tab("sessions", "delete", "pr-42", "")).values).toEqual([]);
  });

  it("prints candidates one per line and the directive last", () => {
    expect(completionOutput({ values: ["a", "b"], files: false })).toBe("a\nb\n:values");
    expect(completionOutput({ values: [], files: true })).toBe(":files");
  });
});
