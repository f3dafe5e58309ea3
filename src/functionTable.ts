import type { HttpMethod } from '@azure/functions';

import { createAuditListHandler } from './functions/audit/auditList.js';
import { createPosthogConfigHandler } from './functions/compat/posthogConfigHandler.js';
import { createPosthogFlagsHandler } from './functions/compat/posthogFlagsHandler.js';
import { createPosthogHandler } from './functions/compat/posthogHandler.js';
import { createSegmentHandler } from './functions/compat/segmentHandler.js';
import { createSegmentSettingsHandler } from './functions/compat/segmentSettingsHandler.js';
import { createPreflightHandler } from './functions/cors/preflight.js';
import { createDauHandler } from './functions/dau.js';
import {
  createDeletionStatusHandler,
  createDeletionsTimerHandler,
  createRequestDeletionHandler,
  deletionsSchedule,
} from './functions/deletions/deletions.js';
import { createHealthHandler } from './functions/health.js';
import { createIngestHandler } from './functions/ingest.js';
import { createMetricsHandler } from './functions/metrics/metrics.js';
import { createAssetsHandler } from './functions/pages/assets.js';
import { createOpenapiHandler } from './functions/pages/openapi.js';
import { createPageHandler } from './functions/pages/pageHandler.js';
import { createExportUserHandler } from './functions/privacy/exportUser.js';
import {
  createAddSuppressionsHandler,
  createLiftSuppressionHandler,
  createListSuppressionsHandler,
} from './functions/privacy/suppressions.js';
import {
  createDataRetentionHandler,
  dataRetentionSchedule,
} from './functions/retention/dataRetention.js';
import { createScorerHandler } from './functions/scorer.js';
import { compactionSchedule, createCompactionHandler } from './functions/sql/compaction.js';
import { createSqlHandler } from './functions/sql/sqlQuery.js';
import { createRetentionHandler } from './functions/stats/retention.js';
import { createScoreDistributionHandler } from './functions/stats/scoreDistribution.js';
import { createTopEventsHandler } from './functions/stats/topEvents.js';
import { createTrendsHandler } from './functions/stats/trends.js';
import { createUserSummaryHandler } from './functions/stats/userSummary.js';
import { createUserScoresHandler } from './functions/userScores.js';
import { type FunctionDefinition, type HttpFunction, isHttpFunction } from './functionTypes.js';

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
  browser: true,
});

/** A configuration the SDKs fetch at load; the handler checks the key the path names. */
const configRoute = (
  name: string,
  methods: HttpMethod[],
  route: string,
  create: HttpFunction['create'],
): HttpFunction => ({
  name,
  trigger: { type: 'http', methods, route, authLevel: 'anonymous' },
  access: 'public',
  create,
  browser: true,
});

/** A browser route and its CORS preflight, `<name>Preflight`, answered by the app (README, "CORS"). */
const withPreflight = (f: HttpFunction): HttpFunction[] => [
  f,
  {
    name: `${f.name}Preflight`,
    trigger: { ...f.trigger, methods: ['OPTIONS'] },
    access: 'public',
    create: createPreflightHandler(f.trigger.methods),
    browser: true,
  },
];

/** The one list of functions: the Azure registrations and the local host are both built from it. */
export const functionTable: readonly FunctionDefinition[] = [
  ...withPreflight({
    name: 'ingest',
    trigger: { type: 'http', methods: ['POST'], route: 'api/events', authLevel: 'anonymous' },
    access: { scope: 'write', cost: 'events' },
    create: createIngestHandler,
    browser: true,
  }),
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
    name: 'trends',
    trigger: { type: 'http', methods: ['GET'], route: 'api/stats/trends', authLevel: 'anonymous' },
    access: { scope: 'read', cost: 'request' },
    create: createTrendsHandler,
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
  ...[
    compatRoute('segmentBatch', 'v1/batch', createSegmentHandler('batch')),
    compatRoute('segmentImport', 'v1/import', createSegmentHandler('batch')),
    compatRoute('segmentTrack', 'v1/track', createSegmentHandler('track')),
    compatRoute('segmentIdentify', 'v1/identify', createSegmentHandler('identify')),
    compatRoute('segmentPage', 'v1/page', createSegmentHandler('page')),
    compatRoute('segmentScreen', 'v1/screen', createSegmentHandler('screen')),
    compatRoute('segmentGroup', 'v1/group', createSegmentHandler('group')),
    compatRoute('segmentAlias', 'v1/alias', createSegmentHandler('alias')),
    // analytics.js posts each call to `{apiHost}/{first letter of its type}`, batches to `/b`.
    compatRoute('segmentB', 'v1/b', createSegmentHandler('batch')),
    compatRoute('segmentT', 'v1/t', createSegmentHandler('track')),
    compatRoute('segmentI', 'v1/i', createSegmentHandler('identify')),
    compatRoute('segmentP', 'v1/p', createSegmentHandler('page')),
    compatRoute('segmentS', 'v1/s', createSegmentHandler('screen')),
    compatRoute('segmentG', 'v1/g', createSegmentHandler('group')),
    compatRoute('segmentA', 'v1/a', createSegmentHandler('alias')),
    configRoute(
      'segmentSettings',
      ['GET'],
      'v1/projects/{writeKey}/settings',
      createSegmentSettingsHandler,
    ),
    compatRoute('posthogBatch', 'batch', createPosthogHandler),
    compatRoute('posthogCapture', 'capture', createPosthogHandler),
    compatRoute('posthogE', 'e', createPosthogHandler),
    compatRoute('posthogIV0E', 'i/v0/e', createPosthogHandler),
    configRoute('posthogFlags', ['POST'], 'flags', createPosthogFlagsHandler),
    configRoute('posthogDecide', ['POST'], 'decide', createPosthogFlagsHandler),
    configRoute(
      'posthogConfig',
      ['GET'],
      'array/{token}/config',
      createPosthogConfigHandler('json'),
    ),
    configRoute(
      'posthogConfigJs',
      ['GET'],
      'array/{token}/config.js',
      createPosthogConfigHandler('script'),
    ),
  ].flatMap(withPreflight),
  {
    name: 'metrics',
    trigger: { type: 'http', methods: ['GET'], route: 'api/metrics', authLevel: 'anonymous' },
    access: { scope: 'admin', cost: 'request' },
    create: createMetricsHandler,
  },
  // The suppression list (README, "Privacy").
  {
    name: 'addSuppressions',
    trigger: {
      type: 'http',
      methods: ['POST'],
      route: 'api/privacy/suppressions',
      authLevel: 'anonymous',
    },
    access: { scope: 'admin', cost: 'request' },
    create: createAddSuppressionsHandler,
  },
  {
    name: 'listSuppressions',
    trigger: {
      type: 'http',
      methods: ['GET'],
      route: 'api/privacy/suppressions',
      authLevel: 'anonymous',
    },
    access: { scope: 'admin', cost: 'request' },
    create: createListSuppressionsHandler,
  },
  {
    name: 'liftSuppression',
    trigger: {
      type: 'http',
      methods: ['DELETE'],
      route: 'api/privacy/suppressions/{userId}',
      authLevel: 'anonymous',
    },
    access: { scope: 'admin', cost: 'request' },
    create: createLiftSuppressionHandler,
  },
  {
    name: 'auditList',
    trigger: { type: 'http', methods: ['GET'], route: 'api/audit', authLevel: 'anonymous' },
    access: { scope: 'admin', cost: 'request' },
    create: createAuditListHandler,
  },
  {
    name: 'exportUser',
    trigger: {
      type: 'http',
      methods: ['GET'],
      route: 'api/privacy/users/{userId}/export',
      authLevel: 'anonymous',
    },
    access: { scope: 'admin', cost: 'request' },
    create: createExportUserHandler,
  },
  // Deleting persons (README, "Privacy").
  {
    name: 'requestDeletion',
    trigger: {
      type: 'http',
      methods: ['POST'],
      route: 'api/privacy/deletions',
      authLevel: 'anonymous',
    },
    access: { scope: 'admin', cost: 'request' },
    create: createRequestDeletionHandler,
  },
  {
    name: 'deletionStatus',
    trigger: {
      type: 'http',
      methods: ['GET'],
      route: 'api/privacy/deletions/{id}',
      authLevel: 'anonymous',
    },
    access: { scope: 'admin', cost: 'request' },
    create: createDeletionStatusHandler,
  },
  {
    name: 'openapi',
    trigger: { type: 'http', methods: ['GET'], route: 'api/openapi.json', authLevel: 'anonymous' },
    access: 'public',
    // Handed the table it documents, rather than importing it (no import cycle).
    create: (deps) => createOpenapiHandler(deps, () => functionTable.filter(isHttpFunction)),
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
  {
    // DATA_RETENTION_DAYS: removes expired days from the store and the archive (README, "Retention").
    name: 'dataRetention',
    trigger: { type: 'timer', ...dataRetentionSchedule },
    create: createDataRetentionHandler,
  },
  {
    // Runs the deletion requests whose start delay has passed (README, "Privacy").
    name: 'deletions',
    trigger: { type: 'timer', ...deletionsSchedule },
    create: createDeletionsTimerHandler,
  },
];
