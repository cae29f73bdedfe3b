// Tables as `kubectl get` prints them: a header row, plain columns aligned with spaces (three
// between columns), no box drawing, one line per row so `grep` and `awk` work. A list in a cell is
// joined with commas; colour codes do not count towards a column's width.

export type Cell = string | number | null | undefined | readonly string[];

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** The width a terminal shows (colour codes take none). */
export const visibleLength = (s: string): number => s.replace(ANSI, "").length;

function cellText(c: Cell): string {
  const text = c === null || c === undefined ? "-" : Array.isArray(c) ? (c.length ? c.join(",") : "-") : String(c);
  // One line per row, whatever a value holds.
  return text.replace(/\s*\n\s*/g, " ") || "-";
}

export function renderTable(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cells = rows.map((r) => head.map((_, i) => cellText(r[i])));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => visibleLength(r[i]!))));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i]! - visibleLength(c) + 3)))
      .join("")
      .trimEnd();
  return [line(head), ...cells.map(line)].join("\n");
}

/** The OWNER column of a session: whose personal session it is, `(you)` when it is yours; `-` when shared. */
export function ownerCell(s: { owner: string | null; mine: boolean }): string | null {
  return s.owner === null ? null : s.mine ? `${s.owner} (you)` : s.owner;
}
