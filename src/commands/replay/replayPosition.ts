import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What a run is, so a position is only resumed by the same run. */
export interface ReplayRun {
  mode: 'queue' | 'rescore';
  from: string;
  to: string;
  model?: string;
}

export interface ReplayPosition extends ReplayRun {
  /** The last archive object fully handled. */
  after: string;
  events: number;
}

/** A resumable position in a JSON file, replaced atomically after every archive object. */
export function createPositionFile(path: string, run: ReplayRun) {
  const same = (p: ReplayPosition) =>
    p.mode === run.mode && p.from === run.from && p.to === run.to && p.model === run.model;
  return {
    path,
    /** The saved position of this same run, if one was interrupted. */
    load(): ReplayPosition | undefined {
      try {
        const saved = JSON.parse(readFileSync(path, 'utf8')) as ReplayPosition;
        return same(saved) ? saved : undefined;
      } catch {
        return undefined;
      }
    },
    save(after: string, events: number): void {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, JSON.stringify({ ...run, after, events }));
      renameSync(`${path}.tmp`, path);
    },
    clear(): void {
      rmSync(path, { force: true });
    },
  };
}
