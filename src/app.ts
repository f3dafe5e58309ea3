import type {
  HttpMethod,
  HttpRequest,
  HttpResponseInit,
  InvocationContext,
} from '@azure/functions';

import type { Caller, Scope } from './core/access/scope.js';
import type { Deps } from './deps.js';
import { createPosthogHandler } from './functions/compat/posthogHandler.js';
import { createSegmentHandler } from './functions/compat/segmentHandler.js';
import { createPreflightHandler } from './functions/cors/preflight.js';
import { createDauHandler } from './functions/dau.js';
import { createHealthHandler } from './functions/health.js';
import { createIngestHandler } from './functions/ingest.js';
import { createMetricsHandler } from './functions/metrics/metrics.js';
import { createAssetsHandler } from './functions/pages/assets.js';
import { createOpenapiHandler } from './functions/pages/openapi.js';
import { createPageHandler } from './functions/pages/pageHandler.js';
import { createScorerHandler } from './functions/scorer.js';
import { compactionSchedule, createCompactionHandler } from './functions/sql/compaction.js';
import { createSqlHandler } from './functions/sql/sqlQuery.js';
import { createRetentionHandler } from './functions/stats/retention.js';
import { createScoreDistributionHandler } from './functions/stats/scoreDistribution.js';
import { createTopEventsHandler } from './functions/stats/topEvents.js';
import { createUserSummaryHandler } from './functions/stats/userSummary.js';
import { createUserScoresHandler } from './functions/userScores.js';

/** A handler of the table: the HttpHandler of @azure/functions plus the caller its key proved. */
export type ApiHandler = (
  request: HttpRequest,
  context: InvocationContext,
  caller: Caller,
) => Promise<HttpResponseInit>;

export interface HttpFunction {
  name: string;
  trigger: {
    type: 'http';
    methods: HttpMethod[];
    /** Full path without the leading slash: host.json sets routePrefix "" so /v1/batch can exist. */
    route: string;
    /** Always anonymous: our API keys do the authentication (see README, "Access"). */
    authLevel: 'anonymous';
  };
  /**
   * The key scope the route needs, or `public`. `cost` is what one call takes from the caller's
   * bucket: `request` is taken by the wrapper, `events` by the handler once it knows the count.
   */
  access:
    | { scope: Scope; cost: 'request' | 'events' }
    /** The handler authenticates: the key is in a header or, failing that, in the body (Segment, PostHog). */
    | { scope: Scope; cost: 'events'; key: 'header-or-body' }
    | 'public';
  create: (deps: Deps) => ApiHandler;
}

/** Segment's and PostHog's SDKs post to fixed paths on the host: one entry per path (see README). */
const compatRoute = (
  name: string,
  route: string,
  create: HttpFunction['create'],
): HttpFunction => ({
  name,
  trigger: { type: 'http', methods: ['POST'], route, authLevel: 'anonymous' },
  access: { scope: 'write', cost: 'events', key: 'header-or-body' },
  create,
});

export type QueueHandler = (messages: unknown[], context: InvocationContext) => Promise<void>;

export interface QueueFunction {
  name: string;
  trigger: {
    type: 'serviceBusQueue';
    /** App setting prefix of the identity-based connection. */
    connection: string;
    /** Binding expression resolved from app settings by the host. */
    queueName: string;
    cardinality: 'many';
  };
  create: (deps: Deps) => QueueHandler;
}

export type TimerHandler = (timer: unknown, context: InvocationContext) => Promise<void>;

export interface TimerFunction {
  name: string;
  trigger: {
    type: 'timer';
    /** NCRONTAB (with seconds) of the Azure timer trigger. */
    schedule: string;
    /** The same period for the local host's scheduler under npm start. */
    everyMinutes: number;
  };
  create: (deps: Deps) => TimerHandler;
}

export type FunctionDefinition = HttpFunction | QueueFunction | TimerFunction;

/** The one list of functions: the Azure registrations and the local host are both built from it. */
export const functionTable: readonly FunctionDefinition[] = [
  {
    name: 'ingest',
    trigger: { type: 'http', methods: ['POST'], route: 'api/events', authLevel: 'anonymous' },
    access: { scope: 'write', cost: 'events' },
    create: createIngestHandler,
  },
  {
    name: 'userScores',
    trigger: {
      type: 'http',
      methods: ['GET'],
      route: 'api/users/{userId}/scores',
      authLevel: 'anonymous',
    },
    access: { scope: 'read', cost: 'request' },
    create: createUserScoresHandler,
  },
  {
    name: 'dau',
    trigger: { type: 'http', methods: ['GET'], route: 'api/stats/dau', authLevel: 'anonymous' },
    access: { scope: 'read', cost: 'request' },
    create: createDauHandler,
  },
  {
    name: 'topEvents',
    trigger: {
      type: 'http',
      methods: ['GET'],
      route: 'api/stats/top-events',
      authLevel: 'anonymous',
    },
    access: { scope: 'read', cost: 'request' },
    create: createTopEventsHandler,
  },
  {
    name: 'retention',
    trigger: {
      type: 'http',
      methods: ['GET'],
      route: 'api/stats/retention',
      authLevel: 'anonymous',
    },
    access: { scope: 'read', cost: 'request' },
    create: createRetentionHandler,
  },
  {
    name: 'scoreDistribution',
    trigger: { type: 'http', methods: ['GET'], route: 'api/stats/scores', authLevel: 'anonymous' },
    access: { scope: 'read', cost: 'request' },
    create: createScoreDistributionHandler,
  },
  {
    name: 'userSummary',
    trigger: {
      type: 'http',
      methods: ['GET'],
      route: 'api/users/{userId}',
      authLevel: 'anonymous',
    },
    access: { scope: 'read', cost: 'request' },
    create: createUserSummaryHandler,
  },
  {
    // DuckDB is imported by the handler on its first call, never at registration (cold start).
    name: 'sql',
    trigger: { type: 'http', methods: ['POST'], route: 'api/sql', authLevel: 'anonymous' },
    access: { scope: 'read', cost: 'request' },
    create: createSqlHandler,
  },
  {
    name: 'health',
    trigger: { type: 'http', methods: ['GET'], route: 'api/health', authLevel: 'anonymous' },
    access: 'public',
    create: createHealthHandler,
  },
  compatRoute('segmentBatch', 'v1/batch', createSegmentHandler('batch')),
  compatRoute('segmentImport', 'v1/import', createSegmentHandler('batch')),
  compatRoute('segmentTrack', 'v1/track', createSegmentHandler('track')),
  compatRoute('segmentIdentify', 'v1/identify', createSegmentHandler('identify')),
  compatRoute('segmentPage', 'v1/page', createSegmentHandler('page')),
  compatRoute('segmentScreen', 'v1/screen', createSegmentHandler('screen')),
  compatRoute('segmentGroup', 'v1/group', createSegmentHandler('group')),
  compatRoute('segmentAlias', 'v1/alias', createSegmentHandler('alias')),
  compatRoute('posthogBatch', 'batch', createPosthogHandler),
  compatRoute('posthogCapture', 'capture', createPosthogHandler),
  compatRoute('posthogE', 'e', createPosthogHandler),
  compatRoute('posthogIV0E', 'i/v0/e', createPosthogHandler),
  {
    // The CORS preflight of browser clients: answered by the app, not Azure's platform CORS (README, "CORS").
    name: 'ingestPreflight',
    trigger: { type: 'http', methods: ['OPTIONS'], route: 'api/events', authLevel: 'anonymous' },
    access: 'public',
    create: createPreflightHandler(['POST']),
  },
  {
    name: 'metrics',
    trigger: { type: 'http', methods: ['GET'], route: 'api/metrics', authLevel: 'anonymous' },
    access: { scope: 'admin', cost: 'request' },
    create: createMetricsHandler,
  },
  {
    name: 'openapi',
    trigger: { type: 'http', methods: ['GET'], route: 'api/openapi.json', authLevel: 'anonymous' },
    access: 'public',
    create: createOpenapiHandler,
  },
  {
    name: 'docs',
    trigger: { type: 'http', methods: ['GET'], route: 'api/docs', authLevel: 'anonymous' },
    access: 'public',
    create: createPageHandler('docs'),
  },
  {
    name: 'dashboard',
    trigger: { type: 'http', methods: ['GET'], route: 'api/dashboard', authLevel: 'anonymous' },
    access: 'public',
    create: createPageHandler('dashboard'),
  },
  {
    // A catch-all never matches an empty path, so the pages above have routes of their own.
    name: 'assets',
    trigger: {
      type: 'http',
      methods: ['GET'],
      route: 'api/assets/{*path}',
      authLevel: 'anonymous',
    },
    access: 'public',
    create: createAssetsHandler,
  },
  {
    name: 'scorer',
    trigger: {
      type: 'serviceBusQueue',
      connection: 'ServiceBusConnection',
      queueName: '%SERVICEBUS_QUEUE_NAME%',
      cardinality: 'many',
    },
    create: createScorerHandler,
  },
  {
    // Rewrites the Parquet files of the days changed since the last run (README, "SQL").
    name: 'compaction',
    trigger: { type: 'timer', ...compactionSchedule },
    create: createCompactionHandler,
  },
];

export const isHttpFunction = (f: FunctionDefinition): f is HttpFunction =>
  f.trigger.type === 'http';

export const isTimerFunction = (f: FunctionDefinition): f is TimerFunction =>
  f.trigger.type === 'timer';
