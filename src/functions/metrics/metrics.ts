import type { HttpResponseInit } from '@azure/functions';

import type { Deps } from '../../deps.js';
import { problem } from '../respond.js';

/**
 * GET /api/metrics: this process's figures in Prometheus text format, on the local host. In Azure
 * there is no source: each instance behind a scale-out would report only its own counters, so the
 * figures go to Application Insights and this answers 404 saying so.
 */
export function createMetricsHandler(deps: Deps) {
  return async function metrics(): Promise<HttpResponseInit> {
    if (!deps.metrics) {
      return problem(
        404,
        'metrics_in_application_insights',
        'this host exports no Prometheus metrics: in Azure the figures are in Application Insights (customMetrics)',
      );
    }
    return {
      status: 200,
      body: await deps.metrics.render(),
      headers: { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' },
    };
  };
}
