import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { noTelemetry } from '../../adapters/telemetry/noTelemetry.js';
import { loadConfig } from '../../config.js';
import { CLI_ACTOR } from '../../core/audit/auditEntry.js';
import { applyLedger } from '../../core/privacy/deletion/applyLedger.js';
import { deletionView, MAX_DELETION_IDS } from '../../core/privacy/deletion/deletionRequestBody.js';
import { runDeletion, startsAt } from '../../core/privacy/deletion/runDeletion.js';
import { userIdProblem } from '../../core/userIdRule.js';
import { deletionDepsOf } from '../../functions/deletions/deletionDeps.js';
import { requestDeletion } from '../../functions/deletions/deletions.js';
import type { DeletionRequest, Logger } from '../../ports/index.js';
import { createDeps } from '../../wiring/createDeps.js';
import { type CommandIo, runCommand, UsageError } from '../commandIo.js';

export const DELETE_USAGE = `usage: event-scoring delete --file <ids.txt> [--suppress] [--no-wait]
       event-scoring delete --status <request id>
       event-scoring delete --reapply-ledger
Deletes the persons of the ids in the file (one id per line; blank lines and lines starting with #
are skipped) everywhere: their events received up to now, profiles, identity links, their share of
every figure, archive lines, dead letters, queued events, Parquet rows (README, "Privacy").
  --suppress   also refuse their later events
  --no-wait    record the requests and leave them to the running host's deletions timer
  --reapply-ledger  erase again every deleted person the store holds (after an Azure point-in-time
               restore, which knows nothing of the ledger; event-scoring restore does it itself)
Runs each request of up to ${MAX_DELETION_IDS} ids to its end here, printing each step; Ctrl+C stops it at
a safe point and the host's timer (or this command again) finishes it.`;

/** The ids of a file: one per line (a trailing CR dropped); each checked by the rule of events. */
export function readIdLines(text: string, file: string): string[] {
  const ids: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '' || line.startsWith('#')) return;
    const problem = userIdProblem(line);
    if (problem) throw new UsageError(`${file}:${i + 1}: ${problem}`);
    ids.push(line);
  });
  if (ids.length === 0) throw new UsageError(`${file}: no id in the file`);
  return [...new Set(ids)];
}

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export async function deleteCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommand(io, DELETE_USAGE, async () => {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: {
          file: { type: 'string' },
          status: { type: 'string' },
          suppress: { type: 'boolean', default: false },
          'no-wait': { type: 'boolean', default: false },
          'reapply-ledger': { type: 'boolean', default: false },
          help: { type: 'boolean', default: false },
        },
      }));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (values.help) {
      io.out(DELETE_USAGE);
      return 0;
    }
    const modes = [values.file, values.status, values['reapply-ledger'] || undefined];
    if (modes.filter((m) => m !== undefined).length !== 1)
      throw new UsageError('give one of --file, --status or --reapply-ledger');
    const ids =
      values.file === undefined
        ? []
        : readIdLines(
            await readFile(values.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
              throw new UsageError(
                `--file: cannot read ${values.file} (${err.code ?? err.message})`,
              );
            }),
            values.file,
          );
    const loaded = loadConfig(io.env, 'local');
    if (!loaded.ok) throw new UsageError(loaded.message);
    const deps = await createDeps(loaded.config, {
      logger: quiet,
      telemetry: noTelemetry,
      baseDir: io.baseDir,
    });
    try {
      if (values['reapply-ledger']) {
        const applied = await applyLedger(deps.store, deps.deletions.ledger, deps.deadLetters);
        io.out(
          `deletion ledger applied: ${applied.ids} deleted id(s) found, ${applied.documents} document(s) and ${applied.deadLetters} dead letter(s) erased`,
        );
        return 0;
      }
      if (values.status !== undefined) {
        const found = await deps.deletions.ledger.get(values.status);
        if (!found) {
          io.err(`no deletion request ${values.status}`);
          return 1;
        }
        io.out(JSON.stringify(deletionView(found), null, 2));
        return 0;
      }
      const requests: DeletionRequest[] = [];
      for (let i = 0; i < ids.length; i += MAX_DELETION_IDS) {
        const made = await requestDeletion(deps, {
          userIds: ids.slice(i, i + MAX_DELETION_IDS),
          suppress: values.suppress,
          keyId: CLI_ACTOR,
        });
        requests.push(made);
        io.out(
          `requested ${made.id}: ${made.requested} ids, events received up to ${made.receivedUpTo}`,
        );
      }
      if (values['no-wait']) return 0;
      const progress = (r: DeletionRequest) =>
        io.err(
          `${r.id} ${r.state} next=${r.step} documents=${r.removed.documents} archiveLines=${r.removed.archiveLines} deadLetters=${r.removed.deadLetters}`,
        );
      const parts = deletionDepsOf(deps, progress);
      let failed = 0;
      for (const request of requests) {
        const wait = startsAt(request, parts.startDelayMs) - deps.now();
        if (wait > 0) {
          io.err(
            `waiting ${Math.ceil(wait / 1000)} s for every scorer to load the ledger (SUPPRESSION_CACHE_SECONDS)`,
          );
          await sleep(wait, undefined, { signal: io.signal });
        }
        const current = (await deps.deletions.ledger.get(request.id)) ?? request;
        const done = await runDeletion(parts, current);
        io.out(JSON.stringify(deletionView(done)));
        if (done.state !== 'done') failed += 1;
      }
      return failed === 0 ? 0 : 1;
    } finally {
      await deps.close();
    }
  });
}
