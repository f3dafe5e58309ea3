/** Table functions a query may call: they generate rows and read nothing. */
const ALLOWED_TABLE_FUNCTIONS = new Set(['range', 'generate_series', 'unnest']);

/** Scalar functions that reveal the engine's settings, environment or catalog. */
const DENIED_FUNCTIONS = new Set([
  'current_setting',
  'getenv',
  'current_database',
  'current_schema',
  'current_schemas',
  'current_catalog',
  'version',
  'pragma_version',
  'query',
  'query_table',
  'glob',
  'which_secret',
]);
const DENIED_PREFIXES = ['duckdb_', 'pragma_', 'read_', 'sniff_', 'parquet_', 'iceberg', 'delta'];

export type TreeCheck = { ok: true } | { ok: false; code: string; message: string };

type Node = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the parse tree DuckDB's json_serialize_sql gives of one SELECT: every table it names is
 * `events` or one of its own CTEs, no table function other than the row generators, no function
 * that reads settings, the environment or the catalog. The engine's own settings (no external
 * access but the files, locked configuration) are the first line; this one makes the answer a
 * clear refusal instead of whatever a permission error says.
 */
export function checkSelectTree(serialized: string): TreeCheck {
  let tree: unknown;
  try {
    tree = JSON.parse(serialized);
  } catch {
    return { ok: false, code: 'not_select', message: 'only one SELECT statement is allowed' };
  }
  if (!isNode(tree) || tree.error !== false || !Array.isArray(tree.statements))
    return { ok: false, code: 'not_select', message: 'only one SELECT statement is allowed' };
  if (tree.statements.length !== 1)
    return { ok: false, code: 'multiple_statements', message: 'exactly one statement is allowed' };

  const ctes = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(collect);
    if (!isNode(value)) return;
    const map = (value.cte_map as { map?: { key?: unknown }[] } | undefined)?.map;
    if (Array.isArray(map))
      for (const e of map) if (typeof e.key === 'string') ctes.add(e.key.toLowerCase());
    Object.values(value).forEach(collect);
  };
  collect(tree.statements);

  let refusal: TreeCheck = { ok: true };
  const refuse = (code: string, message: string) => {
    if (refusal.ok) refusal = { ok: false, code, message };
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isNode(value)) return;
    if (value.type === 'BASE_TABLE') {
      const name = str(value.table_name).toLowerCase();
      const qualified = value.schema_name !== '' || value.catalog_name !== '';
      if (qualified || (name !== 'events' && !ctes.has(name)))
        refuse(
          'table_not_allowed',
          `only the events view can be queried, not "${str(value.table_name)}"`,
        );
    }
    if (value.type === 'TABLE_FUNCTION') {
      const fn = isNode(value.function) ? str(value.function.function_name) : '';
      if (!ALLOWED_TABLE_FUNCTIONS.has(fn.toLowerCase()))
        refuse('function_not_allowed', `table function ${fn}() is not allowed`);
    }
    if (typeof value.function_name === 'string') {
      const fn = value.function_name.toLowerCase();
      if (DENIED_FUNCTIONS.has(fn) || DENIED_PREFIXES.some((p) => fn.startsWith(p)))
        refuse('function_not_allowed', `function ${value.function_name}() is not allowed`);
    }
    Object.values(value).forEach(visit);
  };
  visit(tree.statements);
  return refusal;
}
