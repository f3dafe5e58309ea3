import { basename } from 'node:path';

import type { FieldError } from '../core/event.js';
import type { ColumnTarget } from '../core/import/columnMapping.js';
import { backoffDelay } from '../core/import/retryDelay.js';
import { createRowIdentity } from '../core/import/rowIdentity.js';
import { createWatermark } from '../core/import/watermark.js';
import type { BatchSender } from './batchSender.js';
import { fileIdentity } from './fileIdentity.js';
import type { ImportCounts, ImportState } from './importState.js';
import { createStateStore } from './importState.js';
import { formatFromName, openSource } from './openSource.js';
import { readCsvRows } from './readCsvRows.js';
import { readNdjsonRows } from './readNdjsonRows.js';
import { FileError, type SourceRow } from './sourceRow.js';

/** One rejected row as the --errors file holds it. */
export interface RejectedRow {
  file: string;
  line: number;
  eventId: string | null;
  errors: FieldError[];
}

export interface Progress {
  file: string;
  rows: number;
  bytesRead: number;
  totalBytes: number;
  delivered: number;
  rejected: number;
  startedAt: number;
}

export interface ImportFileOptions {
  file: string;
  format?: 'csv' | 'ndjson';
  map: ReadonlyMap<string, ColumnTarget>;
  batch: number;
  concurrency: number;
  retries: number;
  send: BatchSender;
  /** Where positions are kept; absent (--dry-run) keeps none. */
  stateDir?: string;
  restart: boolean;
  /** Called with every committed batch's rejected rows, in line order, before the position is saved. */
  reject(rows: RejectedRow[]): void;
  signal: AbortSignal;
  /** Lets the caller's progress reporter read the figures whenever it draws. */
  onStart?(progress: () => Progress): void;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface FileSummary extends ImportCounts {
  file: string;
  /** Rows read, the header excluded. */
  rows: number;
  /** Rows not acknowledged (interrupted or given up); a re-run resumes with them. */
  notDelivered: number;
  /** Rows skipped because an earlier run had them acknowledged. */
  resumedFrom: number;
  alreadyComplete: boolean;
  /** Why the import of this file stopped early. */
  stopped?: string;
  statePath?: string;
}

const MAX_BODY_BYTES = 900 * 1024;

interface Batch {
  from: number;
  end: number;
  lines: number[];
  /** Events in sending order, with the row index within the batch each came from. */
  events: string[];
  eventRows: number[];
  eventIds: (string | null)[];
  bytes: number;
  local: RejectedRow[];
}

interface Outcome extends ImportCounts {
  rejectedRows: RejectedRow[];
  ok: boolean;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

const idOf = (event: unknown): string | null =>
  typeof event === 'object' &&
  event !== null &&
  typeof (event as { eventId?: unknown }).eventId === 'string'
    ? (event as { eventId: string }).eventId
    : null;

/**
 * Streams one file into the ingest API: rows are mapped, given ids, batched and sent `concurrency`
 * batches at a time; reading waits while that many are in flight (back-pressure down to the disk).
 */
export async function importFile(options: ImportFileOptions): Promise<FileSummary> {
  const name = options.file;
  const format = options.format ?? formatFromName(name);
  if (format === undefined) {
    throw new FileError(`cannot tell the format of ${basename(name)}; pass --format csv|ndjson`);
  }
  const states = options.stateDir === undefined ? undefined : createStateStore(options.stateDir);
  const identity = states ? await fileIdentity(name) : '';
  const previous = states && !options.restart ? states.load(identity) : undefined;
  const summary: FileSummary = {
    file: name,
    rows: 0,
    delivered: previous?.counts.delivered ?? 0,
    rejected: previous?.counts.rejected ?? 0,
    duplicates: previous?.counts.duplicates ?? 0,
    notDelivered: 0,
    resumedFrom: previous?.position ?? 0,
    alreadyComplete: previous?.complete ?? false,
    ...(states ? { statePath: states.pathOf(identity) } : {}),
  };
  if (previous?.complete) {
    summary.rows = previous.position;
    return summary;
  }

  const source = await openSource(name);
  const startedAt = Date.now();
  options.onStart?.(() => ({
    file: name,
    rows: summary.rows,
    bytesRead: source.bytesRead(),
    totalBytes: source.totalBytes,
    delivered: summary.delivered,
    rejected: summary.rejected,
    startedAt,
  }));

  const watermark = createWatermark<Outcome>(summary.resumedFrom);
  let lastLine = previous?.line ?? 0;
  let lastSave = 0;
  const save = (complete: boolean, force: boolean) => {
    if (!states) return;
    const now = Date.now();
    if (!force && now - lastSave < 1000) return;
    lastSave = now;
    const state: ImportState = {
      version: 1,
      file: name,
      identity,
      position: watermark.position,
      line: lastLine,
      counts: {
        delivered: summary.delivered,
        rejected: summary.rejected,
        duplicates: summary.duplicates,
      },
      complete,
      updatedAt: new Date(now).toISOString(),
    };
    states.save(state);
  };
  const lineOfPosition = new Map<number, number>();

  const commit = (batch: Batch, outcome: Outcome) => {
    lineOfPosition.set(batch.end, batch.lines[batch.lines.length - 1] ?? lastLine);
    for (const passed of watermark.finish(batch.from, batch.end, outcome)) {
      summary.delivered += passed.delivered;
      summary.rejected += passed.rejected;
      summary.duplicates += passed.duplicates;
      if (passed.rejectedRows.length > 0) options.reject(passed.rejectedRows);
    }
    lastLine = lineOfPosition.get(watermark.position) ?? lastLine;
    for (const key of lineOfPosition.keys())
      if (key <= watermark.position) lineOfPosition.delete(key);
    save(false, false);
  };

  let stopped: string | undefined;
  const sleep = options.sleep ?? defaultSleep;

  const deliver = async (batch: Batch): Promise<void> => {
    const outcome: Outcome = {
      delivered: 0,
      rejected: batch.local.length,
      duplicates: 0,
      rejectedRows: [...batch.local],
      ok: true,
    };
    if (batch.events.length > 0) {
      const body = `{"events":[${batch.events.join(',')}]}`;
      for (let attempt = 1; ; attempt++) {
        const sent = await options.send(body, batch.events.length);
        if (sent.kind === 'results') {
          for (const result of sent.results) {
            const row = batch.eventRows[result.index];
            if (row === undefined) continue;
            if (result.status === 'accepted') outcome.delivered++;
            else if (result.status === 'duplicate') outcome.duplicates++;
            else {
              outcome.rejected++;
              outcome.rejectedRows.push({
                file: name,
                line: batch.lines[row]!,
                eventId: result.eventId ?? batch.eventIds[result.index] ?? null,
                errors: result.errors ?? [],
              });
            }
          }
          break;
        }
        if (sent.kind === 'fatal' || attempt > options.retries || options.signal.aborted) {
          stopped ??=
            sent.kind === 'fatal'
              ? sent.reason
              : options.signal.aborted
                ? 'interrupted'
                : `gave up after ${attempt} attempts: ${sent.reason}`;
          return;
        }
        await sleep(sent.waitMs ?? backoffDelay(attempt), options.signal);
        if (options.signal.aborted) {
          stopped ??= 'interrupted';
          return;
        }
      }
    }
    outcome.rejectedRows.sort((a, b) => a.line - b.line);
    commit(batch, outcome);
  };

  const inFlight = new Set<Promise<void>>();
  const dispatch = async (batch: Batch) => {
    const task: Promise<void> = deliver(batch).finally(() => inFlight.delete(task));
    inFlight.add(task);
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
  };

  const eventIdOf = createRowIdentity();
  const rows: AsyncIterable<SourceRow> =
    format === 'csv' ? readCsvRows(source.stream, options.map) : readNdjsonRows(source.stream);
  const fresh = (from: number): Batch => ({
    from,
    end: from,
    lines: [],
    events: [],
    eventRows: [],
    eventIds: [],
    bytes: 0,
    local: [],
  });
  let batch = fresh(summary.resumedFrom);
  let index = 0;
  let readToEnd = false;
  try {
    for await (const row of rows) {
      if (stopped !== undefined || options.signal.aborted) break;
      const rowIndex = index++;
      summary.rows = index;
      let event = row.event;
      if (
        typeof event === 'object' &&
        event !== null &&
        !Array.isArray(event) &&
        !('eventId' in event)
      ) {
        // Every id-less row counts toward the occurrences, sent or skipped, so resumed runs derive the same ids.
        event = { eventId: eventIdOf(event as Record<string, unknown>), ...event };
      }
      if (rowIndex < summary.resumedFrom) continue;
      batch.lines.push(row.line);
      batch.end = rowIndex + 1;
      if (row.errors) {
        batch.local.push({ file: name, line: row.line, eventId: idOf(event), errors: row.errors });
      } else {
        const text = JSON.stringify(event);
        const bytes = Buffer.byteLength(text) + 1;
        if (batch.bytes + bytes > MAX_BODY_BYTES && batch.events.length > 0) {
          // Close the batch before this row.
          batch.lines.pop();
          batch.end = rowIndex;
          await dispatch(batch);
          batch = fresh(rowIndex);
          batch.lines.push(row.line);
          batch.end = rowIndex + 1;
        }
        batch.eventRows.push(batch.lines.length - 1);
        batch.eventIds.push(idOf(event));
        batch.events.push(text);
        batch.bytes += bytes;
      }
      if (batch.lines.length >= options.batch) {
        await dispatch(batch);
        batch = fresh(rowIndex + 1);
      }
    }
    if (options.signal.aborted) stopped ??= 'interrupted';
    if (stopped === undefined && batch.lines.length > 0) await dispatch(batch);
    readToEnd = true;
  } finally {
    await Promise.all(inFlight);
    if (options.signal.aborted) stopped ??= 'interrupted';
    if (stopped !== undefined) {
      summary.stopped = stopped;
      summary.notDelivered = Math.max(0, summary.rows - watermark.position);
    }
    // A file that failed to parse part-way keeps its position but is not complete.
    save(readToEnd && stopped === undefined, true);
    source.stream.destroy();
  }
  return summary;
}
