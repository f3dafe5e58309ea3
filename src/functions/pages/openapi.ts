import type { HttpResponseInit } from '@azure/functions';

import type { HttpFunction } from '../../functionTypes.js';
import type { Deps } from '../../wiring/deps.js';
import { json, problem } from '../respond.js';

/** GET /api/openapi.json: built once per process from the routes it is handed (the function table's). */
export function createOpenapiHandler(_deps: Deps, routes: () => readonly HttpFunction[]) {
  let answer: HttpResponseInit | undefined;
  return async function openapi(): Promise<HttpResponseInit> {
    if (!answer) {
      // Loaded on the first call: zod-openapi and the route docs stay out of registration (cold start).
      const { openapiDocument } = await import('./openapiDocument.js');
      const built = openapiDocument(routes());
      answer = built.ok
        ? json(200, built.document, { 'cache-control': 'no-cache' })
        : problem(500, 'openapi_incomplete', built.message);
    }
    return answer;
  };
}
