import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createFolderArchive } from '../../../src/adapters/archive/folderArchive.js';
import { deadLetterContainer } from '../../../src/adapters/cosmos/containers.js';
import { createCosmosDeadLetterSink } from '../../../src/adapters/cosmos/cosmosDeadLetterSink.js';
import { createCosmosStore } from '../../../src/adapters/cosmos/cosmosStore.js';
import { openContainer } from '../../../src/adapters/cosmos/openContainer.js';
import { createSqliteDeadLetterSink } from '../../../src/adapters/sqlite/sqliteDeadLetterSink.js';
import { createSqliteStore } from '../../../src/adapters/sqlite/sqliteStore.js';
import { toArchivedEvent } from '../../../src/core/archive/archivedEvent.js';
import { type ExportLine, exportPerson } from '../../../src/core/privacy/exportPerson.js';
import type { DeadLetterSink, ScoreStore } from '../../../src/ports/index.js';
import { scoredEvent } from '../../adapters/storeContract.js';
import { type CosmosTestServer, startCosmosServer } from '../../support/cosmosServer.js';

interface Parts {
  store: ScoreStore;
  deadLetters: DeadLetterSink;
  cleanup(): Promise<void>;
}

/** The same person on either store: 120 documents over two ids linked by identify, a dead letter. */
function exportSuite(name: string, make: () => Promise<Parts>) {
  describe(`exportPerson on ${name}`, () => {
    it('yields every document of the person and the linked id, the profile, the link, their dead letters and the archive hours', async () => {
      const parts = await make();
      const dir = mkdtempSync(join(tmpdir(), 'export-'));
      try {
        const archive = createFolderArchive(dir);
        const user = `u-${randomUUID()}`;
        const anon = `anon:${randomUUID()}`;
        const anonDocs = Array.from({ length: 60 }, (_, i) =>
          scoredEvent(anon, new Date(Date.UTC(2026, 2, 1, 8, i)).toISOString()),
        );
        const userDocs = Array.from({ length: 60 }, (_, i) =>
          scoredEvent(user, new Date(Date.UTC(2026, 2, 2, 9, i)).toISOString(), {
            ...(i === 0 && { link: { previousId: anon, via: 'identify' as const } }),
            ...(i === 1 && { traits: { plan: 'team' } }),
          }),
        );
        const someoneElse = scoredEvent(`x-${randomUUID()}`, '2026-03-03T10:00:00.000Z');
        const docs = [...anonDocs, ...userDocs, someoneElse];
        await parts.store.write(docs);
        // Only the person's first hour is archived here: the summary lists the hours that exist.
        await archive.append(anonDocs.map((d) => toArchivedEvent(d)));
        await parts.deadLetters.put([
          { key: `dl-${randomUUID()}`, reason: 'unscorable', body: { userId: anon, type: 'x' } },
          { key: `dl-${randomUUID()}`, reason: 'unscorable', body: { userId: someoneElse.userId } },
        ]);

        const lines: ExportLine[] = [];
        for await (const line of exportPerson(
          { store: parts.store, deadLetters: parts.deadLetters, archive },
          user,
        )) {
          lines.push(line);
        }
        const ids = lines.flatMap((l) => (l.kind === 'document' ? [l.document.eventId] : []));
        expect(ids.sort()).toEqual([...anonDocs, ...userDocs].map((d) => d.eventId).sort());
        expect(lines.filter((l) => l.kind === 'link')).toEqual([
          { kind: 'link', personId: user, linkedId: anon },
        ]);
        const profile = lines.find((l) => l.kind === 'profile');
        expect(JSON.stringify(profile)).toContain('team');
        expect(lines.filter((l) => l.kind === 'deadLetter')).toEqual([
          expect.objectContaining({ reason: 'unscorable', body: { userId: anon, type: 'x' } }),
        ]);
        expect(lines.at(-1)).toMatchObject({
          kind: 'summary',
          personId: user,
          documents: 120,
          links: 1,
          profile: true,
          deadLetters: 1,
          archive: { hours: ['2026/03/01/08/'], present: true },
        });
        expect(JSON.stringify(lines)).not.toContain(someoneElse.userId);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await parts.cleanup();
      }
    });
  });
}

exportSuite('the embedded store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'export-store-'));
  const store = createSqliteStore(join(dir, 'store.db'));
  const deadLetters = createSqliteDeadLetterSink(join(dir, 'store.db'));
  return {
    store,
    deadLetters,
    async cleanup() {
      await deadLetters.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

let server: CosmosTestServer;
let client: CosmosClient;
beforeAll(async () => {
  server = await startCosmosServer();
  client = server.client();
});
afterAll(async () => {
  client.dispose();
  await server.close();
});

exportSuite('Cosmos DB', async () => {
  const database = `test-${randomUUID()}`;
  const store = await createCosmosStore(client, {
    database,
    scoresContainer: 'scores',
    activityContainer: 'daily-activity',
    deadLetterContainer: 'deadletters',
    createIfMissing: true,
  });
  const container = await openContainer(client, database, 'deadletters', deadLetterContainer, true);
  return {
    store,
    deadLetters: createCosmosDeadLetterSink(container),
    async cleanup() {
      await store.close();
      await client.database(database).delete();
    },
  };
});
