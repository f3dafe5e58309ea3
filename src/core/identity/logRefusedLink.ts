import type { Logger } from '../../ports.js';
import type { LinkDecision } from './decideLink.js';

/** The one structured warning of a refused link: ids only, never traits or properties. */
export function logRefusedLink(
  logger: Logger | undefined,
  doc: { eventId: string; userId: string; link?: { previousId: string; via: string } | undefined },
  decision: Extract<LinkDecision, { kind: 'refuse' }>,
): void {
  logger?.warn('identity link refused: it would merge two identified users', {
    eventId: doc.eventId,
    userId: doc.userId,
    previousId: doc.link?.previousId,
    via: doc.link?.via,
    personId: decision.personId,
    reason: decision.reason,
  });
}
