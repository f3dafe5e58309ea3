import { parseArgs } from 'node:util';

import { appRoot } from '../src/appRoot.js';
import { restoreStore } from '../src/backup/restoreStore.js';
import { loadConfig } from '../src/config.js';

/** npm run restore -- --from <folder | blob URL>: into the configured store (DATA_DIR, STORE_BACKEND), which must be empty. */
const { values } = parseArgs({ options: { from: { type: 'string' } } });
if (values.from === undefined) {
  console.error('Usage: npm run restore -- --from <backup folder | blob URL>');
  process.exit(2);
}
const loaded = loadConfig(process.env, 'local');
if (!loaded.ok) {
  console.error(`Cannot restore: ${loaded.message}`);
  process.exit(1);
}
const report = await restoreStore(loaded.config, { from: values.from, baseDir: appRoot() });
for (const t of report.tables) {
  console.log(`${t.table}: manifest ${t.expected}, loaded ${t.loaded}, store holds ${t.counted}`);
}
if (!report.ok) {
  console.error(`Restore failed (${report.stage}): ${report.problems.join('; ')}`);
  process.exit(1);
}
console.log(
  `Restored ${report.tables.length} tables, counts and checksums verified; the store is as of ${report.manifest.pointInTime.at}`,
);
