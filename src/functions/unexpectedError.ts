import { randomUUID } from 'node:crypto';

import type { HttpResponseInit } from '@azure/functions';

import type { LogFields, Logger } from '../ports.js';
import { problem } from './respond.js';

/**
 * The answer to an error no handler expected: a 500 in the one error shape with an incident id,
 * logged with the same id (and the stack, never the request body) so an operator can find it.
 */
export function unexpectedError(err: unknown, logger: Logger, fields: LogFields): HttpResponseInit {
  const incidentId = randomUUID();
  logger.error('unexpected error', {
    ...fields,
    incidentId,
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return problem(
    500,
    'internal',
    `internal error; quote incident ${incidentId} when reporting it`,
    undefined,
    { 'x-incident-id': incidentId },
  );
}
