import type { HttpResponseInit } from '@azure/functions';

import type { Deps } from '../../deps.js';
import { json, problem } from '../respond.js';

/** GET /api/openapi.json: built once per process from the function table. */
export function createOpenapiHandler(_deps: Deps) {
  let answer: HttpResponseInit | undefined;
  return async function openapi(): Promise<HttpResponseInit> {
    if (!answer) {
      // Loaded on the first call: zod-openapi and the route docs stay out of registration (cold start).
      const { openapiDocument } = await import('./openapiDocument.js');
      const built = openapiDocument();
      answer = built.ok
        ? json(200, built.document, { 'cache-control': 'no-cache' })
        : problem(500, 'openapi_incomplete', built.message);
    }
    return answer;
  };
}
