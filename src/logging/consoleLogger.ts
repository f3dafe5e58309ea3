import type { Logger } from '../ports/index.js';
import { createJsonLogger } from './jsonLogger.js';

/** JSON lines at level info, for code that runs before the settings are read. */
export const consoleLogger: Logger = createJsonLogger();
