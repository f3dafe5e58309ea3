import { runCli } from '../cli.js';

/** `node dist/src/local/main.js`: the local host, as `event-scoring start` runs it. */
process.exitCode = await runCli(['start']);
