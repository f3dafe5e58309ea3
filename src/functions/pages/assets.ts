import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { IMMUTABLE } from '../../core/pages/pageHeaders.js';
import type { Deps } from '../../deps.js';
import { problem } from '../respond.js';
import { pageCatalog } from './pageCatalog.js';

/** GET /api/assets/{*path}: only the catalog's files, looked up by exact key. */
export function createAssetsHandler(deps: Deps) {
  return async function assets(request: HttpRequest): Promise<HttpResponseInit> {
    let catalog;
    try {
      catalog = await pageCatalog();
    } catch (err) {
      deps.logger.error(`pages: ${(err as Error).message}`);
      return problem(503, 'pages_unavailable', 'the page files are missing from this deployment');
    }
    const asset = catalog.assets.get(request.params.path ?? '');
    if (!asset) return problem(404, 'not_found', 'no such asset');
    return {
      status: 200,
      body: asset.body,
      headers: {
        'content-type': asset.contentType,
        'cache-control': IMMUTABLE,
        'x-content-type-options': 'nosniff',
      },
    };
  };
}
