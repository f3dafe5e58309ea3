import { runImportCommand } from '../src/import/runImportCommand.js';

/** npm run import: streams CSV/NDJSON files (gzip or not) into POST /api/events. See README, "Import". */
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write(
    '\nstopping: waiting for the batches in flight (Ctrl+C again quits at once)\n',
  );
  controller.abort();
});
process.on('SIGTERM', () => controller.abort());
process.exitCode = await runImportCommand(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  tty: process.stderr.isTTY === true,
  signal: controller.signal,
});
