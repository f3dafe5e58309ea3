import type { Scorer } from '../ports.js';
import { toDay } from './day.js';
import { acceptedEventSchema, type ScoredEvent, toFieldErrors } from './event.js';
import { deadLetter, ok, type Outcome } from './outcome.js';

/**
 * Validates one queue message body again (the queue is a trust boundary too) and scores it.
 * Expected failures are values: a body that can never be scored is dead-lettered with its reason.
 */
export function scoreEvent(
  body: unknown,
  models: { champion: Scorer; challenger?: Scorer | undefined },
  scoredAt: string,
): Outcome<ScoredEvent> {
  const parsed = acceptedEventSchema.safeParse(typeof body === 'string' ? safeJson(body) : body);
  if (!parsed.success) {
    const detail = toFieldErrors(parsed.error)
      .map((e) => `${e.path}: ${e.message}`)
      .join('; ');
    return deadLetter(`invalid_message: ${detail}`);
  }
  const event = parsed.data;
  const { score, reasons } = models.champion.score(event);
  if (!Number.isFinite(score))
    return deadLetter(`unscorable: model ${models.champion.version} gave ${score}`);
  const doc: ScoredEvent = {
    ...event,
    day: toDay(event.occurredAt),
    score,
    model: { name: models.champion.name, version: models.champion.version },
    reasons,
    scoredAt,
  };
  if (models.challenger) {
    const c = models.challenger.score(event).score;
    if (Number.isFinite(c))
      doc.challenger = {
        name: models.challenger.name,
        version: models.challenger.version,
        score: c,
      };
  }
  return ok(doc);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
