export interface CalibrationBin {
  /** Lower and upper edge of the predicted-probability bin. */
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/** Mean negative log-likelihood; probabilities are clipped to [1e-15, 1 − 1e-15] as scikit-learn does. */
export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i]!, 1e-15), 1 - 1e-15);
    sum -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return sum / y.length;
}

/** Area under the ROC curve by the rank-sum (Mann–Whitney) formula; tied scores share their mean rank. */
export function rocAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const order = Array.from({ length: y.length }, (_, i) => i).sort(
    (a, b) => p[a]! - p[b]! || a - b,
  );
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && p[order[end + 1]!] === p[order[start]!]) end++;
    const meanRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (y[order[k]!] === 1) {
        positives++;
        rankSum += meanRank;
      }
    }
    start = end + 1;
  }
  const negatives = y.length - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Predicted against observed rate in equal-width bins; empty bins are left out. */
export function calibrationTable(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  bins = 10,
): CalibrationBin[] {
  const count = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const observed = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const b = Math.min(bins - 1, Math.floor(p[i]! * bins));
    count[b]!++;
    predicted[b]! += p[i]!;
    observed[b]! += y[i]!;
  }
  const table: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    table.push({
      from: b / bins,
      to: (b + 1) / bins,
      count: count[b]!,
      meanPredicted: predicted[b]! / count[b]!,
      observedRate: observed[b]! / count[b]!,
    });
  }
  return table;
}
