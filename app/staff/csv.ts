// CSV for spreadsheets (RFC 4180): a cell with a comma, a quote or a line break is quoted, its
// quotes doubled; a text cell starting with =, +, -, @ (or a tab or carriage return) gets a
// leading apostrophe, so a spreadsheet shows it as text instead of running it as a formula
// (OWASP's "CSV injection").

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}
