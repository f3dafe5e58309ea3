import type { OperationDocs } from '../operationDocs.js';
import { posthogDocs, segmentDocs } from './compat.js';
import { dauDocs } from './dau.js';
import { healthDocs } from './health.js';
import { ingestDocs } from './ingest.js';
import { assetsDocs, dashboardDocs, docsDocs, openapiDocs } from './pages.js';
import { ingestPreflightDocs, metricsDocs } from './service.js';
import { sqlDocs } from './sql.js';
import { retentionDocs, scoreDistributionDocs, topEventsDocs, userSummaryDocs } from './stats.js';
import { userScoresDocs } from './userScores.js';

/** The docs of each HTTP function of the table, by function name: one line per route. */
export const operationDocs: Record<string, OperationDocs> = {
  ingest: ingestDocs,
  userScores: userScoresDocs,
  dau: dauDocs,
  health: healthDocs,
  openapi: openapiDocs,
  docs: docsDocs,
  dashboard: dashboardDocs,
  assets: assetsDocs,
  topEvents: topEventsDocs,
  retention: retentionDocs,
  scoreDistribution: scoreDistributionDocs,
  userSummary: userSummaryDocs,
  metrics: metricsDocs,
  sql: sqlDocs,
  ingestPreflight: ingestPreflightDocs,
  segmentBatch: segmentDocs('batch'),
  segmentImport: segmentDocs('batch'),
  segmentTrack: segmentDocs('track'),
  segmentIdentify: segmentDocs('identify'),
  segmentPage: segmentDocs('page'),
  segmentScreen: segmentDocs('screen'),
  segmentGroup: segmentDocs('group'),
  segmentAlias: segmentDocs('alias'),
  posthogBatch: posthogDocs,
  posthogCapture: posthogDocs,
  posthogE: posthogDocs,
  posthogIV0E: posthogDocs,
};
