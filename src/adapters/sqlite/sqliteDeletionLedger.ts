import { fingerprint } from '../../core/privacy/deletion/fingerprint.js';
import type { DeletionLedger, DeletionRequest, LedgerEntry } from '../../ports/index.js';
import { openDatabase } from './openDatabase.js';
import { scrubDatabase, type ScrubResult } from './scrubDatabase.js';

// The columns the queries read; `rest` is the JSON of every other field (ids, progress, counts).
// The partial index holds the unfinished requests only, in the order unfinished() gives them.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS deletions (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    received_up_to TEXT NOT NULL,
    fingerprints TEXT NOT NULL,
    rest TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS deletions_unfinished ON deletions (requested_at, id)
    WHERE state != 'done';
`;

interface Row {
  id: string;
  state: string;
  requested_at: string;
  received_up_to: string;
  fingerprints: string;
  rest: string;
}

export interface SqliteDeletionLedger extends DeletionLedger {
  /** Empties the WAL (scrubDatabase.ts); save() does it when a request is done. */
  scrub(): ScrubResult;
}

/**
 * The deletion requests and ledger in a file of their own (DATA_DIR/privacy.db): not in a backup,
 * never replaced by a restore. Costs: get, create and save one primary-key operation each;
 * unfinished() one scan of the partial index (unfinished requests only); entries() one pass over
 * every request's cut-off and fingerprints (a done request holds no id, so its row is small).
 * A request saved as done has its ids cleared by the runner: the save then scrubs the file, so the
 * old row's bytes stay in neither the free pages (secure_delete) nor the WAL.
 */
export function createSqliteDeletionLedger(path: string): SqliteDeletionLedger {
  const db = openDatabase(path);
  db.exec(SCHEMA);
  const columns = 'id, state, requested_at, received_up_to, fingerprints, rest';
  const insert = db.prepare(
    `INSERT INTO deletions (${columns}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  const upsert = db.prepare(
    `INSERT OR REPLACE INTO deletions (${columns}) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare(`SELECT ${columns} FROM deletions WHERE id = ?`);
  const unfinished = db.prepare(
    `SELECT ${columns} FROM deletions WHERE state != 'done' ORDER BY requested_at, id`,
  );
  const entries = db.prepare(
    "SELECT received_up_to, fingerprints, CASE WHEN fingerprints = '[]' THEN rest END AS rest FROM deletions",
  );
  const params = (request: DeletionRequest) => {
    const { id, state, requestedAt, receivedUpTo, fingerprints, ...rest } = request;
    return [
      id,
      state,
      requestedAt,
      receivedUpTo,
      JSON.stringify(fingerprints),
      JSON.stringify(rest),
    ];
  };
  return {
    async create(request) {
      insert.run(...params(request));
    },
    async get(id) {
      const row = byId.get(id) as Row | undefined;
      return row && toRequest(row);
    },
    async save(request) {
      upsert.run(...params(request));
      if (request.state === 'done') scrubDatabase(db);
    },
    async unfinished() {
      return (unfinished.all() as unknown as Row[]).map(toRequest);
    },
    async entries(): Promise<LedgerEntry[]> {
      return (
        entries.all() as unknown as {
          received_up_to: string;
          fingerprints: string;
          rest: string | null;
        }[]
      ).map((row) => {
        // A request not resolved yet has no fingerprints: its asked ids stand for it meanwhile.
        const fingerprints = JSON.parse(row.fingerprints) as string[];
        const asked =
          row.rest === null ? [] : (JSON.parse(row.rest) as { userIds?: string[] }).userIds;
        return {
          fingerprints: fingerprints.length > 0 ? fingerprints : (asked ?? []).map(fingerprint),
          receivedUpTo: row.received_up_to,
        };
      });
    },
    scrub: () => scrubDatabase(db),
    async close() {
      if (db.isOpen) db.close();
    },
  };
}

function toRequest(row: Row): DeletionRequest {
  return {
    ...(JSON.parse(row.rest) as Omit<
      DeletionRequest,
      'id' | 'state' | 'requestedAt' | 'receivedUpTo' | 'fingerprints'
    >),
    id: row.id,
    state: row.state as DeletionRequest['state'],
    requestedAt: row.requested_at,
    receivedUpTo: row.received_up_to,
    fingerprints: JSON.parse(row.fingerprints) as string[],
  };
}
