import type { OperationDocs } from '../operationDocs.js';
import { posthogDocs, segmentDocs } from './compat.js';
import {
  posthogConfigDocs,
  posthogConfigJsDocs,
  posthogFlagsDocs,
  segmentSettingsDocs,
  tokenPath,
  writeKeyPath,
} from './compatConfig.js';
import { dauDocs } from './dau.js';
import { deletionStatusDocs, requestDeletionDocs } from './deletions.js';
import { healthDocs } from './health.js';
import { ingestDocs } from './ingest.js';
import { assetsDocs, dashboardDocs, docsDocs, openapiDocs } from './pages.js';
import {
  addSuppressionsDocs,
  auditListDocs,
  exportUserDocs,
  liftSuppressionDocs,
  listSuppressionsDocs,
} from './privacy.js';
import { metricsDocs, preflightDocs } from './service.js';
import { sqlDocs } from './sql.js';
import { retentionDocs, scoreDistributionDocs, topEventsDocs, userSummaryDocs } from './stats.js';
import { trendsDocs } from './trends.js';
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
  trends: trendsDocs,
  scoreDistribution: scoreDistributionDocs,
  userSummary: userSummaryDocs,
  metrics: metricsDocs,
  sql: sqlDocs,
  addSuppressions: addSuppressionsDocs,
  listSuppressions: listSuppressionsDocs,
  liftSuppression: liftSuppressionDocs,
  auditList: auditListDocs,
  exportUser: exportUserDocs,
  requestDeletion: requestDeletionDocs,
  deletionStatus: deletionStatusDocs,
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
  segmentB: segmentDocs('batch'),
  segmentT: segmentDocs('track'),
  segmentI: segmentDocs('identify'),
  segmentP: segmentDocs('page'),
  segmentS: segmentDocs('screen'),
  segmentG: segmentDocs('group'),
  segmentA: segmentDocs('alias'),
  segmentSettings: segmentSettingsDocs,
  posthogFlags: posthogFlagsDocs('/flags'),
  posthogDecide: posthogFlagsDocs('/decide'),
  posthogConfig: posthogConfigDocs,
  posthogConfigJs: posthogConfigJsDocs,
};

/** Every browser route has its CORS preflight entry, `<name>Preflight` (src/app.ts, withPreflight). */
const preflightTargets: Record<string, string> = {
  ingest: 'POST /api/events',
  segmentBatch: 'POST /v1/batch',
  segmentImport: 'POST /v1/import',
  segmentTrack: 'POST /v1/track',
  segmentIdentify: 'POST /v1/identify',
  segmentPage: 'POST /v1/page',
  segmentScreen: 'POST /v1/screen',
  segmentGroup: 'POST /v1/group',
  segmentAlias: 'POST /v1/alias',
  segmentB: 'POST /v1/b',
  segmentT: 'POST /v1/t',
  segmentI: 'POST /v1/i',
  segmentP: 'POST /v1/p',
  segmentS: 'POST /v1/s',
  segmentG: 'POST /v1/g',
  segmentA: 'POST /v1/a',
  segmentSettings: 'GET /v1/projects/{writeKey}/settings',
  posthogBatch: 'POST /batch',
  posthogCapture: 'POST /capture',
  posthogE: 'POST /e',
  posthogIV0E: 'POST /i/v0/e',
  posthogFlags: 'POST /flags',
  posthogDecide: 'POST /decide',
  posthogConfig: 'GET /array/{token}/config',
  posthogConfigJs: 'GET /array/{token}/config.js',
};
for (const [name, target] of Object.entries(preflightTargets)) {
  const path = target.includes('{writeKey}')
    ? writeKeyPath
    : target.includes('{token}')
      ? tokenPath
      : undefined;
  operationDocs[`${name}Preflight`] = preflightDocs(target, path);
}
