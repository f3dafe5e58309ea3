import { createHash } from 'node:crypto';

import type { ScoredEvent } from '../../core/event.js';
import type { ModelRef } from '../../ports/index.js';

/** One document per day of a write: kind 'b' in daily-events, beside the older per-event 'e'. */
export const BATCH_KIND = 'b';
export const EVENT_KIND = 'e';
/** Entries per document: 500 events are ~50 KB, far under the 2 MB item limit. */
const MAX_ENTRIES = 500;

export const modelKey = (m: ModelRef) => `${m.name}@${m.version}`;

/**
 * [eventId, userId (the person it counts for), type, model (index into `ms`), score, challenger
 * index or null, challenger score or null, 1 when this write stored the event (scores answered
 * 201), else 0, and last, only when it differs from the userId, the id the document is stored
 * under (its `scores` partition: the anonymous id an identity link re-attributed)].
 */
type Entry =
  | [string, string, string, number, number, number | null, number | null, 0 | 1]
  | [string, string, string, number, number, number | null, number | null, 0 | 1, string];

export interface BatchDocument {
  id: string;
  day: string;
  k: typeof BATCH_KIND;
  ms: string[];
  ev: Entry[];
}

/** A row of the day's partition as the rollup query returns it: a per-event or a batch document. */
export interface DayRow {
  id: string;
  k: string;
  /** 1 on a per-event document a link's move wrote: it counts over every other entry. */
  mv?: number;
  u?: string;
  t?: string;
  m?: string;
  s?: number;
  cm?: string;
  cs?: number;
  ms?: string[];
  ev?: Entry[];
}

export interface DayEvent {
  u: string;
  t: string;
  m: string;
  s: number;
  cm?: string;
  cs?: number;
}

/**
 * The documents recording `docs` for the rollups: one per day (per 500 events), its id derived from
 * the eventIds it holds, so a redelivered batch writes the same id again (409) instead of a copy.
 * One write per day of a batch instead of one per event.
 */
export function batchDocuments(
  docs: readonly ScoredEvent[],
  created: ReadonlySet<string> | undefined,
  storedUnder?: ReadonlyMap<string, string>,
): BatchDocument[] {
  const byDay = new Map<string, ScoredEvent[]>();
  for (const d of docs) byDay.set(d.day, [...(byDay.get(d.day) ?? []), d]);
  const out: BatchDocument[] = [];
  for (const [day, all] of byDay) {
    const sorted = [...all].sort((a, b) => (a.eventId < b.eventId ? -1 : 1));
    for (let i = 0; i < sorted.length; i += MAX_ENTRIES) {
      const chunk = sorted.slice(i, i + MAX_ENTRIES);
      const ms: string[] = [];
      const index = (key: string) => {
        const at = ms.indexOf(key);
        return at >= 0 ? at : ms.push(key) - 1;
      };
      const ev = chunk.map((d): Entry => {
        const entry: Entry = [
          d.eventId,
          d.userId,
          d.type,
          index(modelKey(d.model)),
          d.score,
          d.challenger ? index(modelKey(d.challenger)) : null,
          d.challenger ? d.challenger.score : null,
          created === undefined || created.has(d.eventId) ? 1 : 0,
        ];
        const under = storedUnder?.get(d.eventId);
        return under !== undefined && under !== d.userId ? [...entry, under] : entry;
      });
      const hash = createHash('sha256')
        .update(chunk.map((d) => d.eventId).join('\n'))
        .digest('hex');
      out.push({ id: `~b:${hash.slice(0, 40)}`, day, k: BATCH_KIND, ms, ev });
    }
  }
  return out;
}

/**
 * The day's stored events, each once: an event in several batch documents (redelivered in another
 * batch) counts once, with the values of the write that stored it when that one is known, and with
 * those of a link's move (the person's, not the anonymous id's) over both.
 */
export function dayEvents(rows: readonly DayRow[]): DayEvent[] {
  const events = new Map<string, { event: DayEvent; rank: number }>();
  const put = (id: string, event: DayEvent, rank: number) => {
    const seen = events.get(id);
    if (seen === undefined || rank > seen.rank) events.set(id, { event, rank });
  };
  for (const row of rows) {
    if (row.k === EVENT_KIND && row.u !== undefined && row.t !== undefined) {
      // Per-event documents (written before batch documents) were created once: first write wins.
      put(
        row.id,
        {
          u: row.u,
          t: row.t,
          m: row.m ?? '',
          s: row.s ?? 0,
          ...(row.cm !== undefined && row.cs !== undefined ? { cm: row.cm, cs: row.cs } : {}),
        },
        row.mv === 1 ? 2 : 1,
      );
    } else if (row.k === BATCH_KIND && row.ev && row.ms) {
      for (const [id, u, t, m, s, cm, cs, stored] of row.ev) {
        const challenger = cm === null || cs === null ? {} : { cm: row.ms[cm]!, cs };
        put(id, { u, t, m: row.ms[m]!, s, ...challenger }, stored === 1 ? 1 : 0);
      }
    }
  }
  return [...events.values()].map((e) => e.event);
}
