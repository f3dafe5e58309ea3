import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ImportCounts {
  delivered: number;
  rejected: number;
  duplicates: number;
}

/** What survives a crash: every row before `position` was acknowledged, with these counts. */
export interface ImportState {
  version: 1;
  file: string;
  identity: string;
  position: number;
  line: number;
  counts: ImportCounts;
  complete: boolean;
  updatedAt: string;
}

/** One JSON file per source file identity in the state folder, replaced atomically (write, then rename). */
export function createStateStore(dir: string) {
  const pathOf = (identity: string) => join(dir, `${identity}.json`);
  return {
    pathOf,
    load(identity: string): ImportState | undefined {
      try {
        const state = JSON.parse(readFileSync(pathOf(identity), 'utf8')) as ImportState;
        return state.version === 1 && state.identity === identity ? state : undefined;
      } catch {
        return undefined;
      }
    },
    save(state: ImportState): void {
      mkdirSync(dir, { recursive: true });
      const path = pathOf(state.identity);
      writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2));
      renameSync(`${path}.tmp`, path);
    },
  };
}
