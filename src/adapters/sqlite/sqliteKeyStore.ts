import type { ApiKeyRecord } from '../../core/access/apiKeyRecord.js';
import type { ApiKeyStore } from '../../ports/index.js';
import { openDatabase } from './openDatabase.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    doc TEXT NOT NULL
  );
`;

/** API keys in a table of the embedded store's file (DATA_DIR/store.db), one JSON row per key. */
export function createSqliteKeyStore(path: string): ApiKeyStore {
  const db = openDatabase(path);
  db.exec(SCHEMA);
  const select = db.prepare('SELECT doc FROM api_keys WHERE key_id = ?');
  const upsert = db.prepare(
    'INSERT INTO api_keys (key_id, doc) VALUES (?, ?) ON CONFLICT (key_id) DO UPDATE SET doc = excluded.doc',
  );
  const all = db.prepare('SELECT doc FROM api_keys ORDER BY key_id');
  const any = db.prepare('SELECT 1 AS one FROM api_keys LIMIT 1');
  const touch = db.prepare(
    "UPDATE api_keys SET doc = json_set(doc, '$.lastUsedAt', ?) WHERE key_id = ?",
  );
  const parse = (row: Record<string, unknown>) => JSON.parse(row.doc as string) as ApiKeyRecord;
  return {
    get: async (keyId) => {
      const row = select.get(keyId);
      return row ? parse(row) : undefined;
    },
    put: async (record) => void upsert.run(record.keyId, JSON.stringify(record)),
    list: async () => all.all().map(parse),
    hasAny: async () => any.get() !== undefined,
    touch: async (keyId, lastUsedAt) => void touch.run(lastUsedAt, keyId),
    close: async () => db.close(),
  };
}
