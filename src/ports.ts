import type { AccessOutcome, LimitOutcome } from './core/access/accessOutcome.js';
import type { Caller, Scope } from './core/access/scope.js';
import type { AcceptedEvent, ScoredEvent } from './core/event.js';

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
export interface ScoreStore {
  /** Idempotent: a document whose eventId is already stored is left as it is. Throws on failures worth a retry. */
  write(docs: readonly ScoredEvent[]): Promise<WriteResult>;
  userScores(query: UserScoresQuery): Promise<ScorePage>;
  /** One entry per day from `from` to `to` inclusive, zeros included, ascending. */
  dailyActiveUsers(from: string, to: string): Promise<DailyActiveUsers[]>;
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

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
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
