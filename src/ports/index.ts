/**
 * The small interfaces the core and the functions use, one file per outside concern; each has an
 * embedded adapter and an Azure one under src/adapters/ (see README, "Layout").
 */
export type * from './access.js';
export type * from './archive.js';
export type * from './audit.js';
export type * from './backup.js';
export type * from './deadLetters.js';
export type * from './deletion.js';
export type * from './identity.js';
export type * from './logger.js';
export type * from './model.js';
export type * from './privacy.js';
export type * from './queue.js';
export type * from './scoreStore.js';
export type * from './sql.js';
export type * from './telemetry.js';
