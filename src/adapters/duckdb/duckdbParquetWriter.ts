import { eventColumns, toStageRow } from '../../core/sql/eventColumns.js';
import type { ParquetWriter } from '../../ports/sql.js';
import { openDuckDb, sqlString } from './openDuckDb.js';

const STAGE = 'stage';
const isNumber = (type: string) => type === 'DOUBLE';
const stageColumns = eventColumns
  .map((c) => `"${c.name}" ${isNumber(c.type) ? 'DOUBLE' : 'VARCHAR'}`)
  .join(', ');
// ISO text with Z becomes TIMESTAMPTZ then, in the UTC session, a plain UTC TIMESTAMP.
const typed = eventColumns
  .map((c) => {
    if (c.type === 'TIMESTAMP')
      return `CAST(CAST("${c.name}" AS TIMESTAMPTZ) AS TIMESTAMP) AS "${c.name}"`;
    if (isNumber(c.type) || c.type === 'VARCHAR') return `"${c.name}"`;
    if (c.type.startsWith('MAP'))
      return `CAST(CAST("${c.name}" AS JSON) AS ${c.type}) AS "${c.name}"`;
    return `CAST("${c.name}" AS ${c.type}) AS "${c.name}"`;
  })
  .join(', ');
const PARQUET = '(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)';

/**
 * The Parquet writer is DuckDB's own COPY … TO (FORMAT parquet): the same native library reads the
 * files, so there is one dependency, its type mapping is the one the view sees, and it writes zstd
 * column chunks with statistics that Synapse, Fabric and Spark read. Documents are appended to an
 * in-memory staging table (text for times and JSON), cast to the typed columns by the COPY.
 */
export async function createDuckDbParquetWriter(
  options: { memoryLimit?: string; threads?: number } = {},
): Promise<ParquetWriter> {
  const db = await openDuckDb({
    memory_limit: options.memoryLimit ?? '512MB',
    threads: String(options.threads ?? 1),
    preserve_insertion_order: 'false',
  });
  const { connection } = db;
  let busy: Promise<unknown> = Promise.resolve();
  // One COPY at a time on the one connection.
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = busy.then(work, work);
    busy = next.catch(() => undefined);
    return next;
  };
  return {
    write: (docs, path) =>
      serial(async () => {
        await connection.run(`CREATE OR REPLACE TABLE ${STAGE} (${stageColumns})`);
        const appender = await connection.createAppender(STAGE);
        let rows = 0;
        try {
          for await (const doc of docs) {
            for (const value of toStageRow(doc)) {
              if (value === null) appender.appendNull();
              else if (typeof value === 'number') appender.appendDouble(value);
              else appender.appendVarchar(value);
            }
            appender.endRow();
            rows += 1;
          }
          appender.closeSync();
        } catch (error) {
          appender.closeSync();
          throw error;
        }
        await connection.run(
          `COPY (SELECT ${typed} FROM ${STAGE} ORDER BY "userId", "occurredAt") TO ${sqlString(path)} ${PARQUET}`,
        );
        await connection.run(`DROP TABLE ${STAGE}`);
        return rows;
      }),
    rewriteWithout: (source, userIds, path) =>
      serial(async () => {
        await connection.run(`CREATE OR REPLACE TABLE gone ("userId" VARCHAR)`);
        const appender = await connection.createAppender('gone');
        for (const id of userIds) {
          appender.appendVarchar(id);
          appender.endRow();
        }
        appender.closeSync();
        const counts = await connection.runAndReadAll(
          `SELECT count(*) FILTER (WHERE "userId" NOT IN (SELECT "userId" FROM gone))::DOUBLE, count(*)::DOUBLE FROM read_parquet(${sqlString(source)})`,
        );
        const [kept, all] = counts.getRows()[0]!.map(Number) as [number, number];
        await connection.run(
          `COPY (SELECT * FROM read_parquet(${sqlString(source)}) WHERE "userId" NOT IN (SELECT "userId" FROM gone)) TO ${sqlString(path)} ${PARQUET}`,
        );
        return { kept, removed: all - kept };
      }),
    async close() {
      await busy;
      db.close();
    },
  };
}
