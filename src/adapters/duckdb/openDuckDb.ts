import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** Options every DuckDB instance of the app starts with: nothing is ever installed or fetched. */
export const offlineOptions: Record<string, string> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
};

/**
 * An in-memory DuckDB instance and one connection. The module is imported here, on demand, so only
 * the processes and functions that use DuckDB load its native binding (cold start).
 */
export async function openDuckDb(
  options: Record<string, string> = {},
): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection; close(): void }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { ...offlineOptions, ...options });
  const connection = await instance.connect();
  // Times are stored and shown in UTC, whatever the machine's zone (the ICU setting exists only once connected).
  await connection.run("SET TimeZone = 'UTC'");
  return {
    instance,
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A string as a SQL literal. */
export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;
