import type { DeadLetter, EventArchive, ProfileView, ScoreStore } from '../../ports/index.js';
import { archiveHour } from '../archive/archiveHour.js';
import type { ScoredEvent } from '../event.js';

/** One line of a person's export (NDJSON), told apart by `kind`. */
export type ExportLine =
  | { kind: 'document'; document: ScoredEvent }
  | { kind: 'profile'; personId: string; profile: ProfileView }
  | { kind: 'link'; personId: string; linkedId: string }
  | { kind: 'deadLetter'; key: string; reason: string; body: unknown }
  | {
      kind: 'summary';
      userId: string;
      personId: string;
      documents: number;
      links: number;
      profile: boolean;
      deadLetters: number | null;
      archive: { hours: string[]; present: boolean };
      backups: string;
    };

export interface ExportSources {
  store: Pick<ScoreStore, 'userScores' | 'identity'>;
  deadLetters: { byUser?(userIds: readonly string[]): Promise<DeadLetter[]> };
  archive: Pick<EventArchive, 'list'>;
}

const PAGE = 500;

/**
 * Everything stored about the person `userId` counts as, one line at a time, documents first (newest
 * first, a page of the store at a time, so memory stays flat), then profile, links, dead letters and
 * a summary. The archive is not read: the hours of the documents' receivedAt are listed (one list
 * per distinct hour) and the summary says which exist; their objects may hold the person's raw lines.
 */
export async function* exportPerson(
  sources: ExportSources,
  userId: string,
): AsyncGenerator<ExportLine> {
  const person = await sources.store.identity.person(userId);
  const hours = new Set<string>();
  let documents = 0;
  let after: { occurredAt: string; eventId: string } | undefined;
  do {
    const page = await sources.store.userScores({ userId: person.personId, limit: PAGE, after });
    for (const document of page.items) {
      documents += 1;
      hours.add(archiveHour(document.receivedAt));
      yield { kind: 'document', document };
    }
    after = page.next;
  } while (after);

  const profile = await sources.store.identity.profile(person.personId);
  if (profile) yield { kind: 'profile', personId: person.personId, profile };
  for (const linkedId of person.linkedIds) {
    yield { kind: 'link', personId: person.personId, linkedId };
  }
  let deadLetters: number | null = null;
  if (sources.deadLetters.byUser) {
    const letters = await sources.deadLetters.byUser([person.personId, ...person.linkedIds]);
    deadLetters = letters.length;
    for (const letter of letters) yield { kind: 'deadLetter', ...letter };
  }
  const archived: string[] = [];
  for (const hour of [...hours].sort()) {
    if ((await sources.archive.list(hour)).length > 0) archived.push(hour);
  }
  yield {
    kind: 'summary',
    userId,
    personId: person.personId,
    documents,
    links: person.linkedIds.length,
    profile: profile !== undefined,
    deadLetters,
    archive: { hours: archived, present: archived.length > 0 },
    backups:
      'Backups (Avro files) taken while these documents were stored may hold them until they expire; they are not searched here.',
  };
}

/** The export as NDJSON bytes, one line per ExportLine. */
export async function* exportNdjson(
  sources: ExportSources,
  userId: string,
): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  for await (const line of exportPerson(sources, userId)) {
    yield encoder.encode(`${JSON.stringify(line)}\n`);
  }
}
