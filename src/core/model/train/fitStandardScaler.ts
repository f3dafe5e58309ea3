/** Mean and population standard deviation per column, as scikit-learn's StandardScaler (ddof 0; a constant column gets scale 1). */
export function fitStandardScaler(
  x: Float64Array,
  rows: number,
  cols: number,
): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(cols);
  const scale = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += x[i * cols + j]!;
  for (let j = 0; j < cols; j++) mean[j]! /= rows;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const d = x[i * cols + j]! - mean[j]!;
      scale[j]! += d * d;
    }
  for (let j = 0; j < cols; j++) {
    const sd = Math.sqrt(scale[j]! / rows);
    scale[j] = sd > 1e-12 * Math.max(1, Math.abs(mean[j]!)) ? sd : 1;
  }
  return { mean, scale };
}
