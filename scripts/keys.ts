import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

import { scopeLimits } from '../src/adapters/access/createAccess.js';
import { openKeyStore } from '../src/adapters/access/openKeyStore.js';
import { appRoot } from '../src/appRoot.js';
import { loadConfig } from '../src/config.js';
import {
  createKey,
  describeKey,
  type KeyCommandOutcome,
  revokeKey,
  rotateKey,
} from '../src/core/access/manageKeys.js';
import { type Scope, scopes } from '../src/core/access/scope.js';

const USAGE = `usage: npm run keys -- <command>
  create --scope write|read|admin --name <name> [--rate <per second>] [--burst <tokens>]
  list [--json]
  rotate <name|keyId> [--overlap <hours>, default 24]
  revoke <name|keyId>
The embedded store (DATA_DIR) by default; STORE_BACKEND=cosmos with COSMOS_ENDPOINT for Cosmos DB.`;

/** npm run keys: create, list, rotate and revoke API keys where the API looks them up. */
function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      scope: { type: 'string' },
      name: { type: 'string' },
      rate: { type: 'string' },
      burst: { type: 'string' },
      overlap: { type: 'string', default: '24' },
      json: { type: 'boolean', default: false },
    },
  });
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`);
}
const { values, positionals } = parsed;
const [command, ref] = positionals;
const number = (flag: string, text: string | undefined) => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) fail(`--${flag} must be a number, not ${text}`);
  return n;
};

const loaded = loadConfig(process.env, 'local');
if (!loaded.ok) fail(`Cannot open the key store: ${loaded.message}`);
const config = loaded.config;
if (!['create', 'list', 'rotate', 'revoke'].includes(command ?? '')) fail(USAGE);
if ((command === 'rotate' || command === 'revoke') && !ref)
  fail(`${command} needs a name or keyId\n${USAGE}`);
if (command === 'create' && !scopes.includes(values.scope as Scope))
  fail('--scope must be write, read or admin');
if (command === 'create' && !values.name) fail('--name is required (e.g. --name ios-app)');
const rate = number('rate', values.rate);
const burst = number('burst', values.burst);
const overlapHours = number('overlap', values.overlap)!;
if (overlapHours < 0) fail('--overlap must be 0 or more hours');

const store = await openKeyStore(config, appRoot());
const deps = { store, now: Date.now, randomBytes };
const where =
  config.STORE_BACKEND === 'sqlite' ? `the embedded store (${config.DATA_DIR})` : 'Cosmos DB';
const done = <T>(outcome: KeyCommandOutcome<T>): T => {
  if (!outcome.ok) fail(outcome.message);
  return outcome.value;
};
try {
  if (command === 'create') {
    const { key, record } = done(
      await createKey(deps, {
        scope: values.scope as Scope,
        name: values.name!,
        ...(rate !== undefined ? { ratePerSecond: rate } : {}),
        ...(burst !== undefined ? { burst } : {}),
      }),
    );
    console.log(
      `Created ${record.scope} key ${record.name} (keyId ${record.keyId}) in ${where}. ` +
        `It is shown only now; store it as a secret:\n${key}`,
    );
  } else if (command === 'rotate') {
    const { key, record } = done(await rotateKey(deps, ref!, overlapHours * 3600));
    console.log(
      `Rotated ${record.name} (keyId ${record.keyId}); the old key works until ${record.previousValidUntil}. ` +
        `The new key, shown only now:\n${key}`,
    );
  } else if (command === 'revoke') {
    const record = done(await revokeKey(deps, ref!));
    console.log(
      `Revoked ${record.name} (keyId ${record.keyId}); it stops working within ` +
        `API_KEY_CACHE_SECONDS (${config.API_KEY_CACHE_SECONDS} s).`,
    );
  } else {
    const rows = (await store.list()).map((r) => describeKey(r, scopeLimits(config), Date.now()));
    if (values.json) console.log(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) console.log(`No keys in ${where}: the local host runs open.`);
    else console.table(rows);
  }
} finally {
  await store.close();
}
