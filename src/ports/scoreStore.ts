import type { ScoredEvent } from '../core/event.js';
import type { PersonErasure } from './deletion.js';
import type { IdentityStore, ProfileView } from './identity.js';
import type { DayDocuments } from './sql.js';

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
  /** The person: the id asked for, or the person it is linked to. */
  userId: string;
  /** The ids linked to the person; their events are counted in every figure here. */
  linkedIds: string[];
  firstSeen: string;
  lastSeen: string;
  events: number;
  activeDays: number;
  latest: ScoredEvent;
  /** Present when the person's profile has traits or groups. */
  profile?: ProfileView;
}

/** Periods are named by their first local day: a day, a Monday (calendar week) or a month's 1st. */
export interface TrendQuery {
  interval: 'day' | 'week' | 'month';
  periods: readonly string[];
  types: readonly string[];
  /** What the caller will read; a store may skip computing the other (both when left out). */
  measure?: 'events' | 'users';
}

export interface TrendCount {
  type: string;
  period: string;
  events: number;
  users: number;
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
  /** The person `userId` counts as, all linked ids included; undefined when none has a stored event. */
  userSummary(userId: string): Promise<UserSummary | undefined>;
  /** Stored events and distinct users per type and period (see core/trends); absent pairs are zero. */
  trends(query: TrendQuery): Promise<TrendCount[]>;
  /**
   * DATA_RETENTION_DAYS: removes up to `limit` documents whose day is before `beforeDay`; `more`
   * when some may be left. The embedded store has it; Cosmos DB expires documents by its TTL.
   */
  expireDaysBefore?(beforeDay: string, limit: number): Promise<{ removed: number; more: boolean }>;
  /** Links and profiles (see ports/identity.ts). */
  readonly identity: IdentityStore;
  /** Deleting a person's documents and their share of every rollup (see ports/deletion.ts). */
  readonly erasure: PersonErasure;
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
