/**
 * Solves A·s = b for a symmetric positive-definite n × n matrix A (row-major) by Cholesky
 * decomposition. A tiny ridge is added if rounding makes a pivot non-positive.
 */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) l[i * n + i] = Math.sqrt(sum > 1e-12 ? sum : 1e-12);
      else l[i * n + j] = sum / l[j * n + j]!;
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i * n + k]! * z[k]!;
    z[i] = sum / l[i * n + i]!;
  }
  const s = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k * n + i]! * s[k]!;
    s[i] = sum / l[i * n + i]!;
  }
  return s;
}
