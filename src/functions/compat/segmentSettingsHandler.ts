import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { segmentSettings } from '../../core/compat/segmentSettings.js';
import type { ApiHandler } from '../../functionTypes.js';
import type { Deps } from '../../wiring/deps.js';
import { json } from '../respond.js';
import { verifyPathKey } from './verifyPathKey.js';

/**
 * GET /v1/projects/{writeKey}/settings: what Segment's CDN serves to analytics.js (`cdnURL`) and
 * the mobile libraries (`cdnHost`), pointing them at the host the request reached.
 */
export function createSegmentSettingsHandler(deps: Deps): ApiHandler {
  return async function segmentSettingsHandler(request: HttpRequest): Promise<HttpResponseInit> {
    const writeKey = request.params.writeKey;
    const verified = await verifyPathKey(deps, writeKey);
    if (!verified.ok) return verified.response;
    const url = new URL(request.url);
    const settings = segmentSettings({
      writeKey: writeKey!,
      host: url.host,
      protocol: url.protocol === 'http:' ? 'http' : 'https',
    });
    return json(200, settings, { 'cache-control': 'public, max-age=60' });
  };
}
