import {
  type Container,
  type CosmosDiagnostics,
  type OperationInput,
  type OperationResponse,
  OperationType,
} from '@azure/cosmos';

import { mapWithConcurrency } from './mapWithConcurrency.js';

/** The service takes at most 100 operations per bulk request. */
const MAX_OPERATIONS_PER_REQUEST = 100;
const CONCURRENT_REQUESTS = 4;

export interface BulkRetryPolicy {
  /** Attempts per operation, the first included, before a write gives up on 429s and throws. */
  maxAttempts: number;
  /** Wait before the second attempt; doubles on each further one, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultBulkRetryPolicy: BulkRetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
};

export interface BulkOutcome {
  /** Final status code of each operation, in input order; never 429. */
  statusCodes: number[];
  /** Body of each operation's final response where it has one (a Read's document), in input order. */
  resources: (Record<string, unknown> | undefined)[];
  /** HTTP bulk requests sent, re-submissions included. */
  requests: number;
  /** Responses that throttled at least one operation (429). */
  throttled: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function bulkStatusCodes(diagnostics: CosmosDiagnostics | undefined): number[] {
  const stats = diagnostics?.clientSideRequestStatistics;
  if (!stats) return [];
  return [...stats.retryDiagnostics.failedAttempts, ...stats.gatewayStatistics]
    .filter((call) => call.operationType === OperationType.Batch)
    .map((call) => call.statusCode ?? 0);
}

/**
 * Sends operations with the SDK's bulk API, at most 100 per request, and re-submits those answered
 * 429 (whole request or single operation) with backoff. Other failures of a whole request throw.
 *
 * `items.bulk` rather than `executeBulkOperations`: in @azure/cosmos 4.9 the latter waits a fixed
 * second per call for batches to fill, which would add a second to every scorer batch, and retries
 * 429s out of sight so they could not be counted.
 */
export async function executeBulk(
  container: Container,
  operations: readonly OperationInput[],
  policy: BulkRetryPolicy = defaultBulkRetryPolicy,
): Promise<BulkOutcome> {
  const chunks: OperationInput[][] = [];
  for (let i = 0; i < operations.length; i += MAX_OPERATIONS_PER_REQUEST) {
    chunks.push(operations.slice(i, i + MAX_OPERATIONS_PER_REQUEST));
  }
  let requests = 0;
  let throttled = 0;

  const runChunk = async (chunk: OperationInput[]) => {
    const statusCodes = new Array<number>(chunk.length);
    const resources = new Array<Record<string, unknown> | undefined>(chunk.length);
    let pending = chunk.map((_, index) => index);
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      let retryAfterMs = 0;
      let results: OperationResponse[] | undefined;
      try {
        const response = await container.items.bulk(
          pending.map((index) => chunk[index]!),
          { continueOnError: true },
        );
        requests += Math.max(bulkStatusCodes(response.diagnostics).length, 1);
        results = response;
      } catch (error) {
        const calls = bulkStatusCodes((error as { diagnostics?: CosmosDiagnostics }).diagnostics);
        requests += Math.max(calls.length, 1);
        // items.bulk throws when a whole request is answered 429; then every operation is re-sent
        // (any that did land in another partition's request come back 409 or 200 next time).
        const failures = calls.filter((code) => code >= 400);
        if (failures.length === 0 || failures.some((code) => code !== 429)) throw error;
        throttled += failures.length;
      }

      const stillThrottled: number[] = [];
      pending.forEach((index, i) => {
        const result = results?.[i];
        if (result === undefined || result.statusCode === 429) {
          stillThrottled.push(index);
          const hint = (result as { retryAfterMilliseconds?: unknown } | undefined)
            ?.retryAfterMilliseconds;
          if (typeof hint === 'number') retryAfterMs = Math.max(retryAfterMs, hint);
        } else {
          statusCodes[index] = result.statusCode;
          resources[index] = result.resourceBody;
        }
      });
      if (results && stillThrottled.length > 0) throttled += 1;
      pending = stillThrottled;
      if (pending.length === 0) break;
      if (attempt >= policy.maxAttempts) {
        throw new Error(
          `Cosmos DB throttled ${pending.length} bulk operations ${attempt} times in a row (429)`,
        );
      }
      const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
      await sleep(Math.max(retryAfterMs, backoff));
    }
    return { statusCodes, resources };
  };

  const perChunk = await mapWithConcurrency(chunks, CONCURRENT_REQUESTS, runChunk);
  return {
    statusCodes: perChunk.flatMap((c) => c.statusCodes),
    resources: perChunk.flatMap((c) => c.resources),
    requests,
    throttled,
  };
}
