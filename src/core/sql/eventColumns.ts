import type { ScoredEvent } from '../event.js';

/** One column of the `events` view and of the Parquet files (`day` comes from the folder name). */
export interface EventColumn {
  name: string;
  /** DuckDB type in the Parquet file. */
  type: string;
  description: string;
}

/** The columns of the Parquet files, in file order. JSON columns hold the object as JSON text. */
export const eventColumns: readonly EventColumn[] = [
  { name: 'eventId', type: 'VARCHAR', description: 'Idempotency key (UUID, lower case)' },
  { name: 'userId', type: 'VARCHAR', description: 'Who did it' },
  { name: 'type', type: 'VARCHAR', description: 'What happened' },
  { name: 'occurredAt', type: 'TIMESTAMP', description: 'When it happened (UTC)' },
  { name: 'receivedAt', type: 'TIMESTAMP', description: 'When the API received it (UTC)' },
  { name: 'scoredAt', type: 'TIMESTAMP', description: 'When it was scored (UTC)' },
  { name: 'amount', type: 'DOUBLE', description: 'Money amount, NULL when none' },
  { name: 'source', type: 'VARCHAR', description: 'Name of the API key that sent it' },
  { name: 'properties', type: 'JSON', description: 'Event properties (nested)' },
  {
    name: 'context',
    type: 'JSON',
    description: 'Library context (Segment context, PostHog $ props)',
  },
  { name: 'traits', type: 'JSON', description: 'Identify/group traits, PostHog $set' },
  { name: 'traitsOnce', type: 'JSON', description: 'PostHog $set_once' },
  { name: 'integrations', type: 'JSON', description: "Segment's integrations" },
  { name: 'linkPreviousId', type: 'VARCHAR', description: 'Id now known to be the same person' },
  { name: 'linkVia', type: 'VARCHAR', description: "'identify' or 'alias'" },
  { name: 'groupType', type: 'VARCHAR', description: 'Group call: the group type' },
  { name: 'groupId', type: 'VARCHAR', description: 'Group call: the group id' },
  { name: 'score', type: 'DOUBLE', description: "The champion's score when first scored" },
  { name: 'model', type: 'VARCHAR', description: 'That model, `<name>@<version>`' },
  {
    name: 'reasons',
    type: 'JSON',
    description: 'Feature contributions, [{feature, contribution}]',
  },
  {
    name: 'challenger',
    type: 'VARCHAR',
    description: 'Challenger model `<name>@<version>`, or NULL',
  },
  { name: 'challengerScore', type: 'DOUBLE', description: "The challenger's score, or NULL" },
  {
    name: 'rescores',
    type: 'MAP(VARCHAR, DOUBLE)',
    description: "Re-scores by model: rescores['<name>@<version>']",
  },
];

/** The `day` column the view adds from the `day=YYYY-MM-DD/` folder. */
export const dayColumn: EventColumn = {
  name: 'day',
  type: 'DATE',
  description: "The event's local day (the store's `day` field)",
};

export type StageValue = string | number | null;

const json = (value: unknown): string | null =>
  value === undefined ? null : JSON.stringify(value);
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * One document as the values of the staging table, in `eventColumns` order: times stay ISO text and
 * JSON columns JSON text, cast by the writer's COPY. Fields a document lacks become NULL.
 */
export function toStageRow(doc: ScoredEvent): StageValue[] {
  const d = doc as ScoredEvent & Record<string, unknown>;
  const link = d.link as { previousId?: unknown; via?: unknown } | undefined;
  const group = d.group as { type?: unknown; id?: unknown } | undefined;
  return [
    doc.eventId,
    doc.userId,
    doc.type,
    doc.occurredAt,
    doc.receivedAt,
    doc.scoredAt,
    num(doc.amount),
    text(doc.source),
    json(doc.properties),
    json(d.context),
    json(d.traits),
    json(d.traitsOnce),
    json(d.integrations),
    text(link?.previousId),
    text(link?.via),
    text(group?.type),
    text(group?.id),
    doc.score,
    `${doc.model.name}@${doc.model.version}`,
    json(doc.reasons),
    doc.challenger ? `${doc.challenger.name}@${doc.challenger.version}` : null,
    doc.challenger ? doc.challenger.score : null,
    json(doc.rescores ?? {}),
  ];
}
