/** What a day rebuild reports after each step; `done` of `total` stored documents. */
export interface RebuildProgress {
  zone: string;
  phase: 'clear' | 'fill' | 'done';
  done: number;
  total: number;
}

export interface RebuildOutcome {
  /** undefined when the store already held days in the zone and nothing was done. */
  from?: string | undefined;
  zone: string;
  documents: number;
  resumed: boolean;
}
