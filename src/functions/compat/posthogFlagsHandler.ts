import type { HttpResponseInit } from '@azure/functions';

import { posthogFlagsAnswer } from '../../core/compat/posthogConfig.js';
import type { ApiHandler } from '../../functionTypes.js';
import type { Deps } from '../../wiring/deps.js';
import { json } from '../respond.js';

/**
 * POST /flags and /decide: "no flags, no surveys, no recording" whatever the body says. The
 * answer is the same for every caller, so neither the key nor the body is read (no I/O, no cost).
 */
export function createPosthogFlagsHandler(deps: Deps): ApiHandler {
  return async function posthogFlags(): Promise<HttpResponseInit> {
    return json(200, posthogFlagsAnswer(deps.newId()));
  };
}
