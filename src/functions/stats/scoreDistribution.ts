import type { HttpRequest, HttpResponseInit } from '@azure/functions';

import { parseScoresParams } from '../../core/analytics/analyticsParams.js';
import { emptyHistogram, toDistribution } from '../../core/analytics/scoreBins.js';
import { zoneClockFor } from '../../core/time/zoneClockFor.js';
import type { ModelRef } from '../../ports/index.js';
import type { Deps } from '../../wiring/deps.js';
import { badParams, fromStore, json, problem } from '../respond.js';

const same = (a: ModelRef, b: ModelRef | undefined) =>
  b !== undefined && a.name === b.name && a.version === b.version;

/**
 * GET /api/stats/scores: the score histogram of one model (the champion by default), with the
 * configured challenger's beside it so a rollout can be judged on drift.
 */
export function createScoreDistributionHandler(deps: Deps) {
  const clock = zoneClockFor(deps.config.TIMEZONE);
  return async function scoreDistribution(request: HttpRequest): Promise<HttpResponseInit> {
    const params = parseScoresParams(request.query, deps.now(), clock.dayOf);
    if (!params.ok) return badParams(params.errors);
    const { from, to, bins } = params.value;
    const champion = deps.models.champion();
    const challenger = deps.models.challenger();
    const model =
      params.value.model ?? (champion && { name: champion.name, version: champion.version });
    if (model === undefined)
      return problem(
        404,
        'model_not_found',
        'no champion model is loaded; name one with model=name@version',
      );
    return fromStore(deps, async () => {
      const loaded = same(model, champion) || same(model, challenger);
      const histogram = await deps.store.scoreHistogram(model, from, to);
      if (histogram === undefined && !loaded)
        return problem(
          404,
          'model_not_found',
          `model ${model.name}@${model.version} has scored no stored event`,
          [
            {
              path: 'model',
              code: 'not_found',
              message: 'is not a model this store has scores of',
            },
          ],
        );
      const body: Record<string, unknown> = {
        from,
        to,
        timezone: clock.zone,
        model,
        ...toDistribution(histogram ?? emptyHistogram(), bins),
      };
      if (challenger && !same(model, challenger)) {
        const other = { name: challenger.name, version: challenger.version };
        const theirs = await deps.store.scoreHistogram(other, from, to);
        body.challenger = { model: other, ...toDistribution(theirs ?? emptyHistogram(), bins) };
      }
      return json(200, body);
    });
  };
}
