import { appRoot } from '../src/appRoot.js';
import { runRebuildDays } from '../src/commands/rebuildDays/runRebuildDays.js';

/** npm run rebuild-days -- --timezone <zone> [--batch <n>] */
process.exitCode = await runRebuildDays(process.argv.slice(2), {
  env: process.env,
  baseDir: appRoot(),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
