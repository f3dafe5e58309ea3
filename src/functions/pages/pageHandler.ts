import type { HttpResponseInit } from '@azure/functions';

import type { PageName } from '../../core/pages/pageFiles.js';
import { htmlHeaders, PAGE_CSP } from '../../core/pages/pageHeaders.js';
import type { Deps } from '../../deps.js';
import { problem } from '../respond.js';
import { pageCatalog } from './pageCatalog.js';

/** GET /api/docs and /api/dashboard: anonymous pages; the data they fetch keeps its scope. */
export function createPageHandler(page: PageName) {
  return (deps: Deps) =>
    async function servePage(): Promise<HttpResponseInit> {
      try {
        const catalog = await pageCatalog();
        return { status: 200, body: catalog.pages[page], headers: htmlHeaders(PAGE_CSP) };
      } catch (err) {
        deps.logger.error(`pages: ${(err as Error).message}`);
        return problem(503, 'pages_unavailable', 'the page files are missing from this deployment');
      }
    };
}
