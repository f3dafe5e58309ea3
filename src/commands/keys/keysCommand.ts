import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import { scopeLimits } from '../../adapters/access/createAccess.js';
import { loadConfig } from '../../config.js';
import {
  createKey,
  describeKey,
  type KeyCommandOutcome,
  revokeKey,
  rotateKey,
} from '../../core/access/manageKeys.js';
import { type Scope, scopes } from '../../core/access/scope.js';
import { auditEntry, CLI_ACTOR } from '../../core/audit/auditEntry.js';
import type { AuditAction } from '../../ports/index.js';
import { Closers } from '../../wiring/closers.js';
import { openStoreBackend } from '../../wiring/storeBackend.js';
import { type CommandIo, runCommand, UsageError } from '../commandIo.js';
import { formatTable } from '../formatTable.js';

export const KEYS_USAGE = `usage: event-scoring keys <command>   (npm run keys -- <command>)
  create --scope write|read|admin --name <name> [--rate <per second>] [--burst <tokens>]
  list [--json]
  rotate <name|keyId> [--overlap <hours>, default 24]
  revoke <name|keyId>
The embedded store (DATA_DIR) by default; STORE_BACKEND=cosmos with COSMOS_ENDPOINT for Cosmos DB.`;

const number = (flag: string, text: string | undefined) => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`--${flag} must be a number, not ${text}`);
  return n;
};

/** keys: create, list, rotate and revoke API keys where the API looks them up. */
export async function keysCommand(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommand(io, KEYS_USAGE, async () => {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...args],
        allowPositionals: true,
        options: {
          scope: { type: 'string' },
          name: { type: 'string' },
          rate: { type: 'string' },
          burst: { type: 'string' },
          overlap: { type: 'string', default: '24' },
          json: { type: 'boolean', default: false },
          help: { type: 'boolean', default: false },
        },
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(KEYS_USAGE);
      return 0;
    }
    const [command, ref] = positionals;
    if (!['create', 'list', 'rotate', 'revoke'].includes(command ?? ''))
      throw new UsageError(command ? `unknown command ${JSON.stringify(command)}` : 'no command');
    if ((command === 'rotate' || command === 'revoke') && !ref)
      throw new UsageError(`${command} needs a name or keyId`);
    if (command === 'create' && !scopes.includes(values.scope as Scope))
      throw new UsageError('--scope must be write, read or admin');
    if (command === 'create' && !values.name)
      throw new UsageError('--name is required (e.g. --name ios-app)');
    const rate = number('rate', values.rate);
    const burst = number('burst', values.burst);
    const overlapHours = number('overlap', values.overlap)!;
    if (overlapHours < 0) throw new UsageError('--overlap must be 0 or more hours');

    const loaded = loadConfig(io.env, 'local');
    if (!loaded.ok) throw new Error(`Cannot open the key store: ${loaded.message}`);
    const config = loaded.config;
    const closers = new Closers();
    const backend = openStoreBackend(config, io.baseDir, closers);
    const where = backend.where;
    const done = <T>(outcome: KeyCommandOutcome<T>): T => {
      if (!outcome.ok) throw new UsageError(outcome.message);
      return outcome.value;
    };
    try {
      const store = await backend.keyStore();
      const deps = { store, now: Date.now, randomBytes };
      // The CLI has no key: its actions are recorded with the actor `cli`, the key id as target.
      const audit = async (action: AuditAction, keyId: string) =>
        (await backend.auditLog()).append([
          auditEntry(CLI_ACTOR, action, keyId, Date.now(), randomUUID),
        ]);
      if (command === 'create') {
        const { key, record } = done(
          await createKey(deps, {
            scope: values.scope as Scope,
            name: values.name!,
            ...(rate !== undefined ? { ratePerSecond: rate } : {}),
            ...(burst !== undefined ? { burst } : {}),
          }),
        );
        await audit('key.create', record.keyId);
        io.out(
          `Created ${record.scope} key ${record.name} (keyId ${record.keyId}) in ${where}. ` +
            `It is shown only now; store it as a secret:\n${key}`,
        );
      } else if (command === 'rotate') {
        const { key, record } = done(await rotateKey(deps, ref!, overlapHours * 3600));
        await audit('key.rotate', record.keyId);
        io.out(
          `Rotated ${record.name} (keyId ${record.keyId}); the old key works until ${record.previousValidUntil}. ` +
            `The new key, shown only now:\n${key}`,
        );
      } else if (command === 'revoke') {
        const record = done(await revokeKey(deps, ref!));
        await audit('key.revoke', record.keyId);
        io.out(
          `Revoked ${record.name} (keyId ${record.keyId}); it stops working within ` +
            `API_KEY_CACHE_SECONDS (${config.API_KEY_CACHE_SECONDS} s).`,
        );
      } else {
        const rows = (await store.list()).map((r) =>
          describeKey(r, scopeLimits(config), Date.now()),
        );
        if (values.json) io.out(JSON.stringify(rows, null, 2));
        else if (rows.length === 0) io.out(`No keys in ${where}: the local host runs open.`);
        else io.out(formatTable(rows));
      }
      return 0;
    } finally {
      await closers.closeAll();
    }
  });
}
