import { resolve, join } from 'node:path';
import { createSqliteQueue } from '../src/adapters/sqlite/sqliteQueue.js';
import { appRoot } from '../src/appRoot.js';
import { loadConfig } from '../src/config.js';

/** npm run replay: after fixing what made them fail, put the local queue's poisoned messages back. */
const loaded = loadConfig(process.env, 'local');
if (!loaded.ok) {
  console.error(`Cannot replay: ${loaded.message}`);
  process.exit(1);
}
const path = join(resolve(appRoot(), loaded.config.DATA_DIR), 'queue.db');
const queue = createSqliteQueue(path, { maxDeliveries: loaded.config.LOCAL_QUEUE_MAX_DELIVERIES });
const moved = queue.replayPoison();
await queue.close();
console.log(`${moved} poisoned message(s) put back on the queue in ${path}`);
