import type { SqlColumn } from '../../ports/sql.js';

const cell = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
};

/** An aligned text table: a header, a rule, the rows, and the row count. */
export function formatTable(columns: readonly SqlColumn[], rows: readonly unknown[][]): string {
  const text = rows.map((row) => row.map((v) => (v === null ? 'NULL' : cell(v))));
  const widths = columns.map((c, i) =>
    Math.max(c.name.length, ...text.map((row) => row[i]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  return [
    line(columns.map((c) => c.name)),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...text.map(line),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ].join('\n');
}

const csvCell = (value: unknown): string => {
  const text = cell(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** RFC 4180 CSV with a header line; NULL is an empty field. */
export function formatCsv(columns: readonly SqlColumn[], rows: readonly unknown[][]): string {
  return [columns.map((c) => csvCell(c.name)), ...rows.map((row) => row.map(csvCell))]
    .map((fields) => fields.join(','))
    .join('\r\n');
}
