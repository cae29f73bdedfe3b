import pc from "picocolors";
import { describe, expect, it } from "vitest";
import type { CliIo } from "../io.js";
import { formatOf, printResult, serialise, serialiseEvent } from "./format.js";
import { renderTable, visibleLength } from "./table.js";

function io(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => lines.push(t), err: (t) => lines.push(`ERR ${t}`), env: {}, cwd: "/", isTTY: false, color: pc.createColors(false) };
}

describe("-o handling", () => {
  const p = { data: { name: "a", n: 1, skip: undefined }, names: () => ["session/a", "session/b"], text: (wide: boolean) => void wide };

  it("prints the same object as JSON and YAML, names one per line", async () => {
    const j = io();
    await printResult(j, "json", p);
    expect(JSON.parse(j.lines[0]!)).toEqual({ name: "a", n: 1 });
    const y = io();
    await printResult(y, "yaml", p);
    expect(y.lines).toEqual(["name: a\nn: 1"]);
    const n = io();
    await printResult(n, "name", p);
    expect(n.lines).toEqual(["session/a\nsession/b"]);
    let wide: boolean | undefined;
    await printResult(io(), "wide", { ...p, text: (w) => void (wide = w) });
    expect(wide).toBe(true);
  });

  it("treats --json as -o json and refuses it with another -o", () => {
    expect(formatOf({ output: "text", json: true })).toBe("json");
    expect(formatOf({ output: "yaml", json: false })).toBe("yaml");
    expect(() => formatOf({ output: "yaml", json: true })).toThrow(/--json and -o yaml/);
  });

  it("streams events as JSON Lines or YAML documents", () => {
    expect(serialiseEvent("json", { type: "x", at: "t" })).toBe('{"type":"x","at":"t"}');
    expect(serialiseEvent("yaml", { type: "x" })).toBe("---\ntype: x");
    expect(serialise("yaml", null)).toBe("null");
  });
});

describe("tables", () => {
  it("are plain aligned columns with a header, one line per row, no box drawing", () => {
    const t = renderTable(["NAME", "URLS", "NOTE"], [["a", ["https://a.x", "https://a.y"], null], ["longer-name", [], "two\nlines"]]);
    expect(t).toBe(["NAME          URLS                      NOTE", "a             https://a.x,https://a.y   -", "longer-name   -                         two lines"].join("\n"));
    expect(t).not.toMatch(/[│┌─]/);
  });

  it("aligns coloured cells by what the terminal shows", () => {
    const c = pc.createColors(true);
    const t = renderTable(["S", "X"], [[c.green("ok"), "1"], ["error", "2"]]);
    const [, ok, err] = t.split("\n");
    expect(visibleLength(ok!.split("1")[0]!)).toBe(err!.indexOf("2"));
  });
});
