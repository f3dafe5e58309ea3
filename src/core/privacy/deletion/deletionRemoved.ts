import type { DeletionRemoved } from '../../../ports/index.js';

export const noneRemoved = (): DeletionRemoved => ({
  documents: 0,
  profiles: 0,
  identityLinks: 0,
  archiveLines: 0,
  archiveObjects: 0,
  deadLetters: 0,
  queuedEvents: 0,
  eventFileDays: 0,
  storeRequests: 0,
});
