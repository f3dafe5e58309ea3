import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { createFolderArchive } from '../../src/adapters/archive/folderArchive.js';
import { createSqliteStore } from '../../src/adapters/sqlite/sqliteStore.js';
import { toArchivedEvent } from '../../src/core/archive/archivedEvent.js';
import type { ScoredEvent } from '../../src/core/event.js';
import { utcDay } from '../../src/core/time/calendarDay.js';

export interface DeletionStoreOptions {
  /** Scored documents in all, the targets' included. */
  events: number;
  /** Documents of each target person (their own id and two anonymous ids linked to it). */
  targetEvents: number;
  /** Target persons, `target-1`, `target-2`, … */
  targets: number;
  days: number;
  /** The end of the data: every event is received before it. */
  now: number;
  /** Events per scorer batch: one archive object per hour partition per batch, as the scorer writes. */
  batch?: number;
}

export interface DeletionTarget {
  /** The id a deletion asks for. */
  userId: string;
  /** Every id of the person: userId and the anonymous ids linked to it. */
  ids: string[];
  documents: number;
}

export interface DeletionStore {
  events: number;
  users: number;
  /** Ids linked to a person (identify events), the targets' included. */
  links: number;
  targets: DeletionTarget[];
  archiveObjects: number;
  /** Seconds spent in the store's writes and in the archive's appends. */
  storeSeconds: number;
  archiveSeconds: number;
}

const TYPES = [
  'page_view',
  'page_view',
  'page_view',
  'search',
  'add_to_cart',
  'checkout',
  'purchase',
  'login',
];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const PLANS = ['free', 'pro', 'team'];
const HOUR_MS = 3_600_000;
/** One user in LINK_EVERY starts anonymous and is identified on their second event. */
const LINK_EVERY = 40;
const STORE_BATCHES = 10;

/**
 * A realistic embedded store for the deletion bench, written straight into DATA_DIR (the scorer's
 * path would take too long for a million events): documents of many users over `days` days in
 * order of receipt, several types, some users first seen under an anonymous id then identified,
 * and `targets` persons of `targetEvents` documents each, spread over every day: each starts under
 * `anon:target-N-a`, is identified (a link and traits, so a profile), and later links a second
 * anonymous id. The raw archive gets the same events, one object per hour per scorer batch.
 */
export async function buildDeletionStore(
  dataDir: string,
  options: DeletionStoreOptions,
): Promise<DeletionStore> {
  const batchSize = options.batch ?? 1000;
  const store = createSqliteStore(join(dataDir, 'store.db'), { timeZone: 'UTC' });
  const archive = createFolderArchive(join(dataDir, 'archive'));
  const hours = options.days * 24;
  const start = Math.floor(options.now / HOUR_MS) * HOUR_MS - hours * HOUR_MS;
  const others = options.events - options.targets * options.targetEvents;
  if (others < 0) throw new Error('--deletion-events must exceed the targets’ events');
  const users = Math.max(10, Math.floor(others / 50));
  let seed = 16;
  const next = () => {
    seed = (Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x6b43a9b5) >>> 0;
    return seed / 2 ** 32;
  };
  // Each target event's hour, drawn up front so they spread over every day.
  const targetHours = Array.from({ length: options.targets }, () => {
    const perHour = new Uint32Array(hours);
    for (let i = 0; i < options.targetEvents; i += 1) perHour[Math.floor(next() * hours)]! += 1;
    return perHour;
  });
  const targetSeen = new Uint32Array(options.targets);
  const userState = new Uint8Array(users);
  let links = 0;
  let archiveObjects = 0;
  let storeMs = 0;
  let archiveMs = 0;

  /** The ids an event of user `u` (or target `t`) is sent under, in order of receipt. */
  const targetIdentity = (t: number) => {
    const k = targetSeen[t]!++;
    const id = `target-${t + 1}`;
    // Two anonymous stretches (a first visit, a second device) of up to 50 events each.
    const half = Math.floor(options.targetEvents / 2);
    const anon = Math.min(50, Math.floor(options.targetEvents / 10));
    if (k < anon) return { userId: `anon:${id}-a` };
    if (k === anon) return { userId: id, link: `anon:${id}-a` };
    if (k >= half && k < half + anon) return { userId: `anon:${id}-b` };
    if (k === half + anon) return { userId: id, link: `anon:${id}-b` };
    return { userId: id };
  };
  const userIdentity = (u: number) => {
    const id = `user-${u}`;
    if (u % LINK_EVERY !== 7 || userState[u] === 2) return { userId: id };
    if (userState[u] === 0) {
      userState[u] = 1;
      return { userId: `anon:${id}` };
    }
    userState[u] = 2;
    return { userId: id, link: `anon:${id}` };
  };

  const toDoc = (at: number, who: { userId: string; link?: string }, salt: number): ScoredEvent => {
    const occurredAt = new Date(at).toISOString();
    const receivedAt = new Date(at + 200 + Math.floor(salt * 1800)).toISOString();
    const type = TYPES[Math.floor(salt * 997) % TYPES.length]!;
    return {
      eventId: randomUUID(),
      userId: who.userId,
      type,
      occurredAt,
      receivedAt,
      ...(type === 'purchase' && { amount: 5 + Math.floor(salt * 200) }),
      properties: {
        device: DEVICES[Math.floor(salt * 31) % 3]!,
        path: `/products/${Math.floor(salt * 5000)}`,
      },
      ...(who.link !== undefined && {
        link: { previousId: who.link, via: 'identify' as const },
        traits: { plan: PLANS[Math.floor(salt * 7) % 3]! },
      }),
      source: 'bench',
      day: utcDay(occurredAt),
      score: salt,
      model: { name: 'bench', version: '1' },
      reasons: [{ feature: 'amount', contribution: 0.2 }],
      scoredAt: receivedAt,
    };
  };

  // The archive gets one object per hour per scorer batch; the store, ten batches a transaction
  // (fewer commits: building the data set is not what is measured).
  let pending: ScoredEvent[] = [];
  let unstored: ScoredEvent[] = [];
  const flush = async (last = false) => {
    if (pending.length > 0) {
      const docs = pending;
      pending = [];
      const a0 = performance.now();
      await archive.append(docs.map((d) => toArchivedEvent(d)));
      archiveMs += performance.now() - a0;
      archiveObjects += new Set(docs.map((d) => d.receivedAt.slice(0, 13))).size;
      unstored.push(...docs);
    }
    if (unstored.length >= STORE_BATCHES * batchSize || (last && unstored.length > 0)) {
      const docs = unstored;
      unstored = [];
      const s0 = performance.now();
      await store.write(docs);
      storeMs += performance.now() - s0;
    }
  };

  try {
    for (let h = 0; h < hours; h += 1) {
      const count = Math.floor(others / hours) + (h < others % hours ? 1 : 0);
      const slots: { at: number; target: number; user: number }[] = [];
      for (let i = 0; i < count; i += 1) {
        // Skewed: a few users send many events, most send a few.
        const r = next();
        slots.push({
          at: start + h * HOUR_MS + Math.floor(next() * HOUR_MS),
          target: -1,
          user: Math.floor(r * r * users),
        });
      }
      targetHours.forEach((perHour, t) => {
        for (let i = 0; i < perHour[h]!; i += 1)
          slots.push({
            at: start + h * HOUR_MS + Math.floor(next() * HOUR_MS),
            target: t,
            user: -1,
          });
      });
      slots.sort((a, b) => a.at - b.at);
      for (const slot of slots) {
        const who = slot.target >= 0 ? targetIdentity(slot.target) : userIdentity(slot.user);
        if (who.link !== undefined) links += 1;
        pending.push(toDoc(slot.at, who, next()));
        if (pending.length >= batchSize) await flush();
      }
    }
    await flush(true);
  } finally {
    await store.close();
    await archive.close();
  }
  return {
    events: options.events,
    users: users + options.targets,
    links,
    targets: Array.from({ length: options.targets }, (_, t) => ({
      userId: `target-${t + 1}`,
      ids: [`target-${t + 1}`, `anon:target-${t + 1}-a`, `anon:target-${t + 1}-b`],
      documents: options.targetEvents,
    })),
    archiveObjects,
    storeSeconds: storeMs / 1000,
    archiveSeconds: archiveMs / 1000,
  };
}
