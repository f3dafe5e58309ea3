import type { AccessOutcome, LimitOutcome } from './core/access/accessOutcome.js';
import type { ApiKeyRecord } from './core/access/apiKeyRecord.js';
import type { Caller, Scope } from './core/access/scope.js';
import type { BucketTake, RatePolicy } from './core/access/tokenBucket.js';
import type { ArchivedEvent } from './core/archive/archivedEvent.js';
import type { AvroRecordSchema } from './core/backup/avroSchema.js';
import type { TableDefinition } from './core/backup/manifest.js';
import type { AcceptedEvent, ScoredEvent } from './core/event.js';
import type { DayDocuments } from './ports/sql.js';

/** Outcome of handing events to the queue: ok means durably accepted. */
export type SendResult =
  { ok: true; messages: number } | { ok: false; reason: string; retryAfterSeconds: number };

/** Where ingest hands accepted events. Implementations: local SQLite queue, Service Bus. */
export interface EventQueue {
  send(events: readonly AcceptedEvent[], context?: { traceparent?: string }): Promise<SendResult>;
  check(): Promise<void>;
  close(): Promise<void>;
}

/** Keyset position in a user's newest-first list. */
export interface ScoreCursor {
  occurredAt: string;
  eventId: string;
}

export interface UserScoresQuery {
  userId: string;
  limit: number;
  /** Inclusive lower bound on occurredAt, ISO UTC. */
  from?: string;
  /** Exclusive upper bound on occurredAt, ISO UTC. */
  to?: string;
  after?: ScoreCursor;
}

export interface ScorePage {
  items: ScoredEvent[];
  /** Present when more items follow. */
  next?: ScoreCursor;
}

export interface WriteResult {
  /** Documents newly stored. */
  written: number;
  /** Documents whose eventId was stored already (redelivery). */
  alreadyStored: number;
  /** Requests made to the store (for cost and bench figures). */
  requests: number;
  /** Throttled (429) responses that were retried. */
  throttled: number;
}

export interface DailyActiveUsers {
  day: string;
  activeUsers: number;
}

export interface EventTypeCount {
  type: string;
  events: number;
}

export interface ModelRef {
  name: string;
  version: string;
}

/** Scores of one model over a day range: 100 fine buckets ([i/100, (i+1)/100), 1 in the last). */
export interface ScoreHistogram {
  count: number;
  sum: number;
  buckets: number[];
}

/** Cohorts of `intervalDays` days from `start` (a UTC day), each followed by `windows` intervals. */
export interface RetentionQuery {
  start: string;
  intervalDays: number;
  cohorts: number;
  windows: number;
}

export interface RetentionCohort {
  /** First day of the cohort's interval. */
  cohort: string;
  size: number;
  /** retained[k]: members with an event in interval cohort + k; retained[0] = size. */
  retained: number[];
}

export interface UserSummary {
  userId: string;
  firstSeen: string;
  lastSeen: string;
  events: number;
  activeDays: number;
  latest: ScoredEvent;
}

/** Where scored events live. Implementations: embedded SQLite, Cosmos DB. */
export interface ScoreStore extends DayDocuments {
  /** Idempotent: a document whose eventId is already stored is left as it is. Throws on failures worth a retry. */
  write(docs: readonly ScoredEvent[]): Promise<WriteResult>;
  userScores(query: UserScoresQuery): Promise<ScorePage>;
  /** One entry per day from `from` to `to` inclusive, zeros included, ascending. */
  dailyActiveUsers(from: string, to: string): Promise<DailyActiveUsers[]>;
  /** Idempotent: sets `rescores["<name>@<version>"]` on each stored document; the first score stays. */
  addScores(items: readonly Rescore[]): Promise<RescoreResult>;
  /** Stored events per type over the inclusive day range (types with none may be left out). */
  eventsByType(from: string, to: string): Promise<EventTypeCount[]>;
  /** Scores given by `model` (as champion or challenger) on the days; undefined if it never scored here. */
  scoreHistogram(model: ModelRef, from: string, to: string): Promise<ScoreHistogram | undefined>;
  /** Cohorts by each user's first stored event, with the members active in each later interval. */
  retention(query: RetentionQuery): Promise<RetentionCohort[]>;
  /** Undefined when the user has no stored event. */
  userSummary(userId: string): Promise<UserSummary | undefined>;
  check(): Promise<void>;
  close(): Promise<void>;
}

/** A score another model gives a stored document, kept beside the one it was first given. */
export interface Rescore {
  eventId: string;
  userId: string;
  name: string;
  version: string;
  score: number;
}

export interface RescoreResult {
  /** Documents that gained the score (or held it already: a second run changes nothing). */
  updated: number;
  /** eventIds with no stored document (dead-lettered, or not scored yet), left alone. */
  missing: number;
}

export interface DeadLetter {
  key: string;
  reason: string;
  body: unknown;
}

/** Where messages that can never be scored are set aside with their reason. */
export interface DeadLetterSink {
  put(items: readonly DeadLetter[]): Promise<void>;
}

export interface Reason {
  feature: string;
  contribution: number;
}

/** A loaded, validated model ready to score. */
export interface Scorer {
  readonly name: string;
  readonly version: string;
  score(event: AcceptedEvent): { score: number; reasons: Reason[] };
}

/** Supplies the current models; swaps them when a new valid version appears. */
export interface ModelSource {
  champion(): Scorer | undefined;
  challenger(): Scorer | undefined;
  /** ok false when no valid champion is loaded; detail says why. */
  status(): { ok: boolean; detail: string };
  close(): Promise<void>;
}

/** Custom events and metrics (Application Insights in Azure, nothing locally). */
export type TelemetryProperties = Record<string, string | number | boolean>;

/** W3C trace context of the operation a telemetry item belongs to (the ingest request's, carried in the message). */
export interface TelemetryContext {
  traceparent?: string | undefined;
}

export interface Telemetry {
  /** Sends what is buffered (on shutdown); absent where nothing is buffered. */
  flush?(): Promise<void>;
  trackEvent(name: string, properties?: TelemetryProperties, context?: TelemetryContext): void;
  trackMetric(
    name: string,
    value: number,
    properties?: TelemetryProperties,
    context?: TelemetryContext,
  ): void;
}

export const noTelemetry: Telemetry = {
  trackEvent: () => undefined,
  trackMetric: () => undefined,
};

/** Structured fields of a log line: ids and counts, never an event body or a key. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Request headers as the handlers see them (the Fetch API's Headers fits). */
export interface HeaderReader {
  get(name: string): string | null;
}

/** API keys and rate limits, as the function wrapper and the ingest paths use them. */
export interface Access {
  /** True while no key exists on the local host: every request gets the open caller. */
  isOpen(): boolean;
  /** Reads the key from Authorization (Bearer or Basic) or x-api-key and checks it holds `scope`. */
  authenticate(headers: HeaderReader, scope: Scope): Promise<AccessOutcome>;
  /** Checks a key given some other way (Segment's `writeKey`, PostHog's `api_key` in the body). */
  verify(secret: string | undefined, scope: Scope): Promise<AccessOutcome>;
  /** Takes `cost` tokens from the caller's bucket, all or none. */
  take(caller: Caller, cost: number): Promise<LimitOutcome>;
}

/** Where API key records live, beside the data. Implementations: the embedded SQLite store, Cosmos DB. */
export interface ApiKeyStore {
  /** One point read by keyId; undefined when there is none. */
  get(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** Creates or replaces the record. */
  put(record: ApiKeyRecord): Promise<void>;
  /** Every record, revoked ones included (key management only: a scan of a small table). */
  list(): Promise<ApiKeyRecord[]>;
  /** Whether any key was ever created: the local host runs open until then. */
  hasAny(): Promise<boolean>;
  /** Sets lastUsedAt only, leaving the rest of the record (a revocation in between) alone. */
  touch(keyId: string, lastUsedAt: string): Promise<void>;
  close(): Promise<void>;
}

/** Token buckets by name. Implementations: in process, Redis (shared by every instance). */
export interface RateLimiter {
  /** Refills, then takes `cost` tokens all or none. Throws when the shared counter is unreachable. */
  take(bucket: string, cost: number, policy: RatePolicy): Promise<BucketTake>;
  close(): Promise<void>;
}

/** One table (SQLite) or container (Cosmos DB) as the portable backup writes it. */
export interface BackupTable {
  name: string;
  schema: AvroRecordSchema;
  definition: TableDefinition;
}

export type BackupRow = Record<string, unknown>;

/** A consistent view of a store to back up. Implementations: embedded SQLite, Cosmos DB. */
export interface BackupSource {
  readonly source: { backend: 'sqlite' | 'cosmos'; location: string };
  /** The moment the rows are as of, the window it lies in, and how it is defined. */
  readonly pointInTime: { at: string; window: { from: string; to: string }; definition: string };
  readonly tables: readonly BackupTable[];
  rows(table: BackupTable): AsyncIterable<BackupRow>;
  close(): Promise<void>;
}

/** A store a backup is loaded into. Implementations: embedded SQLite, Cosmos DB. */
export interface RestoreTarget {
  readonly backend: 'sqlite' | 'cosmos';
  /** Names of the tables that already hold rows, among `tables` and any other the store has. */
  nonEmpty(tables: readonly BackupTable[]): Promise<string[]>;
  /** Creates the table if it is missing and inserts the rows; returns how many it inserted. */
  load(table: BackupTable, rows: AsyncIterable<BackupRow>): Promise<number>;
  count(table: BackupTable): Promise<number>;
  close(): Promise<void>;
}

/**
 * The raw archive: every accepted event as received, in gzip NDJSON objects partitioned by the UTC
 * hour of receipt (`yyyy/mm/dd/hh/<unique>.ndjson.gz`). At least once: an event may be held twice.
 */
export interface EventArchive {
  /** Durable once it resolves: one new object per hour partition the events fall in. */
  append(events: readonly ArchivedEvent[]): Promise<void>;
  /** Object names under one hour partition (`yyyy/mm/dd/hh/`), sorted. */
  list(hour: string): Promise<string[]>;
  /** One object's events; lines that are not valid archived events are counted, not returned. */
  read(name: string): Promise<{ events: ArchivedEvent[]; invalid: number }>;
  close(): Promise<void>;
}
