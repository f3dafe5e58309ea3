import type { ScoreHistogram } from '../../ports/index.js';

/** The stores keep 100 fine buckets per day and model; every allowed bin count divides 100. */
export const FINE_BUCKETS = 100;
export const BIN_COUNTS = [5, 10, 20, 50, 100] as const;
export type BinCount = (typeof BIN_COUNTS)[number];

/** Fine bucket of a score in [0, 1]: [i/100, (i+1)/100), a score of exactly 1 in the last. */
export function fineBucket(score: number): number {
  return Math.min(FINE_BUCKETS - 1, Math.max(0, Math.floor(score * FINE_BUCKETS)));
}

export const emptyHistogram = (): ScoreHistogram => ({
  count: 0,
  sum: 0,
  buckets: new Array<number>(FINE_BUCKETS).fill(0),
});

export interface ScoreDistribution {
  count: number;
  mean: number | null;
  bins: { from: number; to: number; count: number }[];
}

/** Merges fine buckets into `bins` equal bins over [0, 1]; mean is null when nothing was scored. */
export function toDistribution(histogram: ScoreHistogram, bins: BinCount): ScoreDistribution {
  const width = FINE_BUCKETS / bins;
  const out = Array.from({ length: bins }, (_, i) => ({
    from: round(i / bins),
    to: round((i + 1) / bins),
    count: 0,
  }));
  histogram.buckets.forEach((count, i) => {
    out[Math.floor(i / width)]!.count += count;
  });
  return {
    count: histogram.count,
    mean: histogram.count === 0 ? null : histogram.sum / histogram.count,
    bins: out,
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
