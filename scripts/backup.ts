import { parseArgs } from 'node:util';

import { appRoot } from '../src/appRoot.js';
import { backupStore } from '../src/backup/backupStore.js';
import { loadConfig } from '../src/config.js';

/** npm run backup -- --out <folder | blob URL> [--online-copy] */
const { values } = parseArgs({
  options: { out: { type: 'string' }, 'online-copy': { type: 'boolean', default: false } },
});
if (values.out === undefined) {
  console.error(
    'Usage: npm run backup -- --out <folder | https://<account>.blob.core.windows.net/<container>/<prefix>> [--online-copy]',
  );
  process.exit(2);
}
const loaded = loadConfig(process.env, 'local');
if (!loaded.ok) {
  console.error(`Cannot back up: ${loaded.message}`);
  process.exit(1);
}
const outcome = await backupStore(loaded.config, {
  out: values.out,
  onlineCopy: values['online-copy'],
  baseDir: appRoot(),
  log: (line) => console.log(line),
});
if (!outcome.ok) {
  console.error(`Backup failed: ${outcome.reason}`);
  process.exit(1);
}
const records = outcome.manifest.files.reduce((sum, f) => sum + f.records, 0);
console.log(
  `Backed up ${records} records in ${outcome.manifest.files.length} tables to ${outcome.location}, as of ${outcome.manifest.pointInTime.at}`,
);
