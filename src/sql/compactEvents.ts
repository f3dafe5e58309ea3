import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import type { DayDocuments, EventFiles, ParquetWriter } from '../ports/sql.js';

export interface CompactionDeps {
  store: DayDocuments;
  files: EventFiles;
  writer: ParquetWriter;
  now: () => number;
  newId: () => string;
}

export interface CompactionResult {
  /** Days whose file was rewritten (or removed, when the day has no document left). */
  days: number;
  rows: number;
  /** Days still to do when the run stopped at `maxDays`. */
  pending: number;
  /** Age in seconds of the oldest change not in the files when the run ended; 0 when none. */
  lagSeconds: number;
}

/**
 * Brings the Parquet files up to date with the store. Each day whose mark changed since its file was
 * written is rewritten whole from the store's documents of that day (so a redelivery, replay or
 * re-score can never add a second row), to a new file that then replaces the old one in one step;
 * the state records the day's mark only after that. A crash anywhere leaves each file either old or
 * new, and the next run redoes the days not recorded. Oldest change first, at most `maxDays` a run.
 */
export async function compactEvents(
  deps: CompactionDeps,
  options: { maxDays?: number } = {},
): Promise<CompactionResult> {
  // The marks are read before the documents: a write after this moment gets a newer mark, which
  // the next run sees, however its documents were caught by this one.
  const marks = await deps.store.dayMarks();
  const state = (await deps.files.readState()) ?? { gens: {} };
  const pending = marks
    .filter((mark) => state.gens[mark.day] !== mark.gen)
    .sort((a, b) => a.changedAt.localeCompare(b.changedAt) || a.day.localeCompare(b.day));
  const todo = pending.slice(0, options.maxDays ?? pending.length);
  let rows = 0;
  for (const mark of todo) {
    const path = join(deps.files.scratchDir, `${mark.day}-${deps.newId()}.parquet`);
    try {
      const written = await deps.writer.write(deps.store.documentsOfDay(mark.day), path);
      await deps.files.replaceDay(mark.day, written === 0 ? undefined : path);
      rows += written;
    } finally {
      await rm(path, { force: true });
    }
    state.gens[mark.day] = mark.gen;
    await deps.files.writeState(state);
  }
  const left = pending.slice(todo.length);
  const oldest = left[0]?.changedAt;
  return {
    days: todo.length,
    rows,
    pending: left.length,
    lagSeconds: oldest === undefined ? 0 : Math.max(0, (deps.now() - Date.parse(oldest)) / 1000),
  };
}

/**
 * Rewrites the files of `days` without the rows of `userIds` (deletions, retention), each day's new
 * file replacing the old in one step; a day left empty loses its file. Returns the rows removed.
 */
export async function rewriteWithoutUsers(
  deps: Pick<CompactionDeps, 'files' | 'writer' | 'newId'>,
  days: readonly string[],
  userIds: readonly string[],
): Promise<{ days: number; removed: number }> {
  let removed = 0;
  let rewritten = 0;
  for (const day of [...new Set(days)].sort()) {
    const opened = await deps.files.open({ from: day, to: day });
    try {
      const file = opened.files[0];
      if (file === undefined) continue;
      const path = join(deps.files.scratchDir, `${day}-${deps.newId()}.parquet`);
      try {
        const outcome = await deps.writer.rewriteWithout(file.path, userIds, path);
        if (outcome.removed === 0) continue;
        await deps.files.replaceDay(day, outcome.kept === 0 ? undefined : path);
        removed += outcome.removed;
        rewritten += 1;
      } finally {
        await rm(path, { force: true });
      }
    } finally {
      opened.release();
    }
  }
  return { days: rewritten, removed };
}
