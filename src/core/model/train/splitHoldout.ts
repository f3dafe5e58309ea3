import { createRandom } from './createRandom.js';

/** A seeded shuffle of 0 … rows−1 cut into a training part and a holdout of about `fraction`. */
export function splitHoldout(
  rows: number,
  fraction: number,
  seed: number,
): { train: number[]; holdout: number[] } {
  const order = Array.from({ length: rows }, (_, i) => i);
  const random = createRandom(seed);
  for (let i = rows - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const cut = Math.round(rows * fraction);
  return {
    holdout: order.slice(0, cut).sort((a, b) => a - b),
    train: order.slice(cut).sort((a, b) => a - b),
  };
}
