import type { AcceptedEvent } from '../core/event.js';

export interface Reason {
  feature: string;
  contribution: number;
}

/** A loaded, validated model ready to score. */
export interface Scorer {
  readonly name: string;
  readonly version: string;
  score(event: AcceptedEvent): { score: number; reasons: Reason[] };
}

/** Supplies the current models; swaps them when a new valid version appears. */
export interface ModelSource {
  champion(): Scorer | undefined;
  challenger(): Scorer | undefined;
  /** ok false when no valid champion is loaded; detail says why. */
  status(): { ok: boolean; detail: string };
  close(): Promise<void>;
}
