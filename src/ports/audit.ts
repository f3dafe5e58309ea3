/** What an admin did. */
export type AuditAction =
  | 'key.create'
  | 'key.rotate'
  | 'key.revoke'
  | 'suppression.add'
  | 'suppression.lift'
  | 'restore'
  | 'deletion.request'
  | 'deletion.done'
  | 'export';

/**
 * One admin action: who (the key id, or `cli` for a command run on the host), what, on what, when.
 * Never event data, never a secret: the target is a key id, a user id (suppression), a deletion request id, `user:<fingerprint>`
 * (export: the id's ledger fingerprint, so the log never outlives a deletion holding the id) or a
 * backup location.
 */
export interface AuditRecord {
  /** Unique, so two actions in one millisecond both stay and order. */
  id: string;
  /** When (ISO 8601). */
  at: string;
  /** The admin key's id, or `cli`. */
  actor: string;
  action: AuditAction;
  target: string;
}

/** A page of records, newest first; `cursor` continues it (null at the end). */
export interface AuditPage {
  items: AuditRecord[];
  cursor: string | null;
}

/** The append-only audit log. Implementations: its own SQLite file, a Cosmos DB container. */
export interface AuditLog {
  /** Adds records; nothing ever changes or removes one. */
  append(records: readonly AuditRecord[]): Promise<void>;
  /** Newest first (at, then id), at most `limit`, after the record `cursor` names. */
  list(options: { limit: number; cursor?: string }): Promise<AuditPage>;
  close(): Promise<void>;
}
