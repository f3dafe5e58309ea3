import type { OperationDocs } from '../operationDocs.js';
import { dauDocs } from './dau.js';
import { healthDocs } from './health.js';
import { ingestDocs } from './ingest.js';
import { assetsDocs, dashboardDocs, docsDocs, openapiDocs } from './pages.js';
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
};
