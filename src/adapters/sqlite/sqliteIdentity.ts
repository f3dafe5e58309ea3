import type { DatabaseSync } from 'node:sqlite';

import { type ActiveDays, countDays } from '../../core/analytics/activeDays.js';
import type { ScoredEvent } from '../../core/event.js';
import { decideLink } from '../../core/identity/decideLink.js';
import { logRefusedLink } from '../../core/identity/logRefusedLink.js';
import {
  groupProfileWrite,
  joinProfiles,
  normaliseProfile,
  personProfileWrite,
  type ProfileState,
  viewProfile,
} from '../../core/identity/profileState.js';
import { unionDays } from '../../core/identity/unionDays.js';
import { fromDayNumber } from '../../core/time/calendarDay.js';
import type { IdentityStore, Person } from '../../ports/identity.js';
import type { Logger } from '../../ports/index.js';
import { createTrendUserMover } from './sqliteTrends.js';

/*
 * identity_links: one row per linked id (alias), naming its person; a person is never an alias.
 * profiles / group_profiles: the joined ProfileState of each person and group, as JSON.
 */
export const IDENTITY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS identity_links (
    alias_id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    via TEXT NOT NULL,
    event_id TEXT NOT NULL,
    linked_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS identity_links_by_person ON identity_links (person_id, alias_id);
  CREATE TABLE IF NOT EXISTS profiles (
    user_id TEXT PRIMARY KEY,
    state TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS group_profiles (
    group_type TEXT NOT NULL,
    group_id TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (group_type, group_id)
  ) WITHOUT ROWID;
`;

/** The read queries, exported so a test can check their plans stay index-driven. */
export const sqliteIdentityQueries = {
  personOf: 'SELECT person_id FROM identity_links WHERE alias_id = ?',
  hasLinks: 'SELECT 1 AS found FROM identity_links WHERE person_id = ? LIMIT 1',
  linkedIds: 'SELECT alias_id FROM identity_links WHERE person_id = ?',
};

interface UserRow {
  first_at: string;
  last_at: string;
  first_day: number;
  events: number;
  base: number;
  days: Uint8Array;
}

/**
 * Identity on the embedded store. `apply` runs inside the write's transaction, before the rollups
 * of the batch are gathered: it records the batch's links (moving each linked id's per-user
 * rollups onto its person), then joins the batch's traits into the profiles, and returns the
 * attribution every document of the batch is counted under.
 */
export function createSqliteIdentity(db: DatabaseSync, logger?: Logger) {
  const selectPerson = db.prepare(sqliteIdentityQueries.personOf);
  const selectHasLinks = db.prepare(sqliteIdentityQueries.hasLinks);
  const selectLinkedIds = db.prepare(sqliteIdentityQueries.linkedIds);
  const insertLink = db.prepare(
    'INSERT INTO identity_links (alias_id, person_id, via, event_id, linked_at) VALUES (?, ?, ?, ?, ?)',
  );
  const selectProfile = db.prepare('SELECT state FROM profiles WHERE user_id = ?');
  const upsertProfile = db.prepare(
    'INSERT INTO profiles (user_id, state) VALUES (?, ?) ON CONFLICT DO UPDATE SET state = excluded.state',
  );
  const deleteProfile = db.prepare('DELETE FROM profiles WHERE user_id = ?');
  const selectGroup = db.prepare(
    'SELECT state FROM group_profiles WHERE group_type = ? AND group_id = ?',
  );
  const upsertGroup = db.prepare(
    `INSERT INTO group_profiles (group_type, group_id, state) VALUES (?, ?, ?)
     ON CONFLICT DO UPDATE SET state = excluded.state`,
  );
  const moveRollups = createUserRollupMover(db);
  const moveTrendUsers = createTrendUserMover(db);

  const personOf = (userId: string): string =>
    (selectPerson.get(userId) as { person_id: string } | undefined)?.person_id ?? userId;

  const readState = (row: { state: string } | undefined): ProfileState | undefined =>
    row && normaliseProfile(JSON.parse(row.state) as Partial<ProfileState>);

  const joinProfile = (userId: string, from: ProfileState) => {
    const held = readState(selectProfile.get(userId) as { state: string } | undefined);
    if (!held) return upsertProfile.run(userId, JSON.stringify(from));
    if (joinProfiles(held, from)) upsertProfile.run(userId, JSON.stringify(held));
  };

  const recordLink = (doc: ScoredEvent) => {
    const link = doc.link!;
    const previousLinkedTo = selectPerson.get(link.previousId) as { person_id: string } | undefined;
    const decision = decideLink({
      previousId: link.previousId,
      userId: doc.userId,
      previousLinkedTo: previousLinkedTo?.person_id,
      previousHasLinks: selectHasLinks.get(link.previousId) !== undefined,
      userLinkedTo: (selectPerson.get(doc.userId) as { person_id: string } | undefined)?.person_id,
    });
    if (decision.kind === 'refuse') return logRefusedLink(logger, doc, decision);
    if (decision.kind === 'known') return;
    const { aliasId, personId } = decision;
    insertLink.run(aliasId, personId, link.via, doc.eventId, doc.occurredAt);
    moveRollups(aliasId, personId);
    moveTrendUsers(aliasId, personId);
    const aliasProfile = readState(selectProfile.get(aliasId) as { state: string } | undefined);
    if (aliasProfile) {
      joinProfile(personId, aliasProfile);
      deleteProfile.run(aliasId);
    }
  };

  const store: IdentityStore = {
    async person(userId): Promise<Person> {
      const personId = personOf(userId);
      const rows = selectLinkedIds.all(personId) as { alias_id: string }[];
      // Sorted here, as on Cosmos DB: JavaScript order (UTF-16), not SQLite's (UTF-8 bytes).
      return { personId, linkedIds: rows.map((row) => row.alias_id).sort() };
    },
    async profile(userId) {
      const state = readState(selectProfile.get(personOf(userId)) as { state: string } | undefined);
      return state && viewProfile(state);
    },
    async groupProfile(type, id) {
      const state = readState(selectGroup.get(type, id) as { state: string } | undefined);
      return state && viewProfile(state);
    },
  };

  return {
    store,
    /** Call inside the write's transaction with the documents stored for the first time, in order. */
    apply(firsts: readonly ScoredEvent[]): (doc: ScoredEvent) => ScoredEvent {
      for (const doc of firsts) if (doc.link) recordLink(doc);
      const persons = new Map<string, string>();
      const resolve = (userId: string) => {
        let person = persons.get(userId);
        if (person === undefined) persons.set(userId, (person = personOf(userId)));
        return person;
      };
      const profileWrites = new Map<string, ProfileState>();
      for (const doc of firsts) {
        const write = personProfileWrite(doc);
        if (write) {
          const person = resolve(doc.userId);
          const held = profileWrites.get(person);
          if (held) joinProfiles(held, write);
          else profileWrites.set(person, write);
        }
        const group = groupProfileWrite(doc);
        if (group && doc.group) {
          const held = readState(
            selectGroup.get(doc.group.type, doc.group.id) as { state: string } | undefined,
          );
          if (held) joinProfiles(held, group);
          upsertGroup.run(doc.group.type, doc.group.id, JSON.stringify(held ?? group));
        }
      }
      for (const [person, write] of profileWrites) joinProfile(person, write);
      return (doc) => {
        const person = resolve(doc.userId);
        return person === doc.userId ? doc : { ...doc, userId: person };
      };
    },
  };
}

/**
 * Moves what the rollups hold per user from a newly linked id onto its person: the users row
 * (first and last seen, events, active days, hence the retention cohort) is merged, and each day
 * both were active on loses the one user it counted twice. A per-user rollup added to
 * sqliteRollups.ts must be moved here too (the per-day, per-type and per-model ones are not per
 * user and need nothing).
 */
export function createUserRollupMover(db: DatabaseSync) {
  const selectUser = db.prepare(
    'SELECT first_at, last_at, first_day, events, base, days FROM users WHERE user_id = ?',
  );
  const renameUser = db.prepare('UPDATE users SET user_id = ? WHERE user_id = ?');
  const deleteUser = db.prepare('DELETE FROM users WHERE user_id = ?');
  const replaceUser = db.prepare(
    `UPDATE users SET first_at = ?, last_at = ?, first_day = ?, events = ?, active_days = ?,
       base = ?, days = ? WHERE user_id = ?`,
  );
  const dropDayUser = db.prepare('UPDATE day_users SET users = users - 1 WHERE day = ?');
  return (aliasId: string, personId: string): void => {
    const alias = selectUser.get(aliasId) as UserRow | undefined;
    if (!alias) return;
    const person = selectUser.get(personId) as UserRow | undefined;
    if (!person) {
      renameUser.run(personId, aliasId);
      return;
    }
    const asDays = (row: UserRow): ActiveDays => ({ base: Number(row.base), bits: row.days });
    const { days, shared } = unionDays(asDays(person), asDays(alias));
    for (const day of shared) dropDayUser.run(fromDayNumber(day));
    const first = alias.first_at < person.first_at ? alias : person;
    replaceUser.run(
      first.first_at,
      alias.last_at > person.last_at ? alias.last_at : person.last_at,
      Number(first.first_day),
      Number(person.events) + Number(alias.events),
      countDays(days),
      days.base,
      days.bits,
      personId,
    );
    deleteUser.run(aliasId);
  };
}
