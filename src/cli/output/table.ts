// Tables for human output (status, sessions list): cli-table3 with plain borders, and no colour
// codes inside cells unless the terminal gets colour anyway.
import Table from "cli-table3";

export function renderTable(head: string[], rows: (string | number)[][]): string {
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) table.push(r.map(String));
  return table.toString();
}
