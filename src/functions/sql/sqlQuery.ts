import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { parseSqlRequest } from '../../core/sql/sqlRequest.js';
import type { Deps } from '../../wiring/deps.js';
import { json, problem, readJsonBody } from '../respond.js';

/** POST /api/sql: one read-only SELECT over the `events` view of the Parquet files. */
export function createSqlHandler(deps: Pick<Deps, 'sql' | 'logger'>) {
  return async function sql(request: HttpRequest): Promise<HttpResponseInit> {
    const parsed = await readJsonBody(request, '{ query, from?, to? }', parseSqlRequest);
    if (!parsed.ok) return parsed.response;
    if (!deps.sql) return problem(503, 'sql_unavailable', 'this host has no event files');
    let answer;
    try {
      answer = await (await deps.sql.engine()).run(parsed.value);
    } catch (err) {
      deps.logger.warn(`sql failed: ${(err as Error).message}`);
      return problem(
        503,
        'event_files_unavailable',
        'the event files could not be read; retry',
        undefined,
        {
          'retry-after': '5',
        },
      );
    }
    if (!answer.ok) return problem(answer.status, answer.code, answer.message);
    return json(200, { columns: answer.columns, rows: answer.rows });
  };
}
