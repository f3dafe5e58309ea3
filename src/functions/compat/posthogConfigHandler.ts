import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { posthogRemoteConfig, posthogRemoteConfigScript } from '../../core/compat/posthogConfig.js';
import type { ApiHandler } from '../../functionTypes.js';
import type { Deps } from '../../wiring/deps.js';
import { json } from '../respond.js';
import { verifyPathKey } from './verifyPathKey.js';

/**
 * GET /array/{token}/config (JSON) and /array/{token}/config.js (the script posthog-js loads
 * first): the remote config of a project with nothing but event capture.
 */
export function createPosthogConfigHandler(kind: 'json' | 'script') {
  return (deps: Deps): ApiHandler =>
    async function posthogConfig(request: HttpRequest): Promise<HttpResponseInit> {
      const token = request.params.token;
      const verified = await verifyPathKey(deps, token);
      if (!verified.ok) return verified.response;
      const cache = { 'cache-control': 'public, max-age=60' };
      if (kind === 'json') return json(200, posthogRemoteConfig(token!), cache);
      return {
        status: 200,
        body: posthogRemoteConfigScript(token!),
        headers: { 'content-type': 'application/javascript; charset=utf-8', ...cache },
      };
    };
}
