import type { CountedOperation } from '../../../tests/support/countingProxy.js';
import { prices, RU_TABLE } from './prices.js';

function fromTable(bytes: number, column: 'read' | 'write'): number {
  const kb = bytes / 1024;
  const first = RU_TABLE[0]!;
  if (kb <= first.kb) return first[column];
  for (let i = 1; i < RU_TABLE.length; i++) {
    const hi = RU_TABLE[i]!;
    const lo = RU_TABLE[i - 1]!;
    if (kb <= hi.kb)
      return lo[column] + ((kb - lo.kb) / (hi.kb - lo.kb)) * (hi[column] - lo[column]);
  }
  const last = RU_TABLE.at(-1)!;
  return (last[column] * kb) / last.kb;
}

/**
 * RU of one Cosmos DB operation, the formula stated per kind:
 * - a write that stored something (Create 201, Upsert, Replace 200): the table's write RU of the document's size;
 * - Delete: the write RU of a 1 KB document (the deleted document's size is not on the wire);
 * - a point Read (200): the table's read RU of the document returned; a Read answered 404: 1 RU;
 * - a Create answered 409 (already there) or a conditional write answered 412: 1 RU, assumed (not
 *   on the pages read: the service does the lookup and writes nothing);
 * - a Query: 2.5 RU plus the read RU of the bytes returned (assumed; none on the event path).
 */
export function requestUnits(op: CountedOperation): number {
  if (op.status === 409 || op.status === 412) return 1;
  switch (op.operation) {
    case 'Create':
    case 'Upsert':
    case 'Replace':
    case 'Patch':
      return fromTable(op.documentBytes, 'write');
    case 'Delete':
      return op.status === 404 ? 1 : fromTable(1024, 'write');
    case 'Read':
      return op.status === 404 ? 1 : fromTable(op.documentBytes, 'read');
    case 'Query':
    case 'ReadFeed':
      return 2.5 + fromTable(op.documentBytes, 'read');
    default:
      return 0;
  }
}

/** What one run counted, for `events` events. */
export interface Counts {
  events: number;
  cosmos: CountedOperation[];
  cosmosRequests: number;
  blob: CountedOperation[];
  serviceBus: {
    sendCalls: number;
    messagesSent: number;
    messageBytes: number[];
    receiveCalls: number;
    messagesReceived: number;
    completions: number;
    /** Messages of ≤ 64 KB the same requests would need if each request's events shared them. */
  };
  functions: { ingest: number; scorer: number; busyMs: number };
  telemetry: { customEvents: number; logLines: number };
}

export interface Line {
  service: string;
  quantity: number;
  unit: string;
  usd: number;
  formula: string;
}

const perMillion = (n: number, events: number) => (n * 1_000_000) / events;

/** Per-million-event quantities and dollars, service by service, from the counts. */
export function costPerMillion(c: Counts, memoryGb = 2.048): Line[] {
  const ru = c.cosmos.reduce((sum, op) => sum + requestUnits(op), 0);
  const storedBytes = c.cosmos
    .filter((op) => (op.status === 201 || op.status === 200) && op.operation !== 'Read')
    .reduce((sum, op) => sum + op.documentBytes, 0);
  const sbChunks = (bytes: number) => Math.max(1, Math.ceil(bytes / 65_536));
  const avgChunks =
    c.serviceBus.messageBytes.reduce((s, b) => s + sbChunks(b), 0) /
    Math.max(1, c.serviceBus.messageBytes.length);
  const sbOps =
    c.serviceBus.messagesSent * avgChunks +
    (c.serviceBus.messagesReceived + c.serviceBus.completions) * avgChunks;
  const executions = c.functions.ingest + c.functions.scorer;
  const gbSeconds = (c.functions.busyMs / 1000) * memoryGb;
  const blobWrites = c.blob.filter((op) => op.operation.startsWith('Put')).length;
  const blobBytes = c.blob
    .filter((op) => op.operation === 'PutBlob')
    .reduce((s, op) => s + op.documentBytes, 0);
  // One request record and two host traces per invocation, one dependency per outgoing call, the
  // custom events and the app's log lines; 1 KB each (assumed). Metrics are pre-aggregated per minute.
  const records =
    executions * 3 +
    c.cosmosRequests +
    c.blob.length +
    c.serviceBus.sendCalls +
    c.telemetry.customEvents +
    c.telemetry.logLines;
  const gb = (bytes: number) => bytes / 1e9;
  const m = (n: number) => perMillion(n, c.events);
  return [
    {
      service: 'Service Bus operations',
      quantity: m(sbOps),
      unit: 'operations',
      usd: (m(sbOps) / 1e6) * prices.serviceBusPerMillionOps.value,
      formula: '(messages sent + received + completed) × 64 KB chunks per message',
    },
    {
      service: 'Cosmos DB request units',
      quantity: m(ru),
      unit: 'RU',
      usd: (m(ru) / 1e6) * prices.cosmosPerMillionRu.value,
      formula: 'Σ RU per operation (table above)',
    },
    {
      service: 'Function executions',
      quantity: m(executions),
      unit: 'executions',
      usd: (m(executions) / 1e6) * prices.functionsPerMillionExecutions.value,
      formula: 'ingest requests + scorer batches',
    },
    {
      service: 'Function execution time',
      quantity: m(gbSeconds),
      unit: 'GB-s',
      usd: m(gbSeconds) * prices.functionsPerGbSecond.value,
      formula: `handler wall time × ${memoryGb} GB (measured here, under load: an upper bound)`,
    },
    {
      service: 'Blob writes (archive)',
      quantity: m(blobWrites),
      unit: 'Put Blob',
      usd: (m(blobWrites) / 1e4) * prices.blobPer10kWrites.value,
      formula: 'Put operations counted',
    },
    {
      service: 'Application Insights ingestion',
      quantity: gb(m(records) * 1024),
      unit: 'GB',
      usd: gb(m(records) * 1024) * prices.logAnalyticsPerGb.value,
      formula: '(3 per execution + 1 per outgoing call + events + log lines) × 1 KB',
    },
    {
      service: 'Cosmos DB storage, per month kept',
      quantity: gb(m(storedBytes)),
      unit: 'GB-month',
      usd: gb(m(storedBytes)) * prices.cosmosPerGbMonth.value,
      formula: 'document bytes written (index and overhead not counted)',
    },
    {
      service: 'Blob storage, per month kept',
      quantity: gb(m(blobBytes)),
      unit: 'GB-month',
      usd: gb(m(blobBytes)) * prices.blobPerGbMonth.value,
      formula: 'gzip bytes put',
    },
  ];
}

/** The variable cost: every line but the per-month storage ones. */
export function variableTotal(lines: readonly Line[]): number {
  return lines.filter((l) => !l.unit.endsWith('-month')).reduce((s, l) => s + l.usd, 0);
}
