// Small statistics for benchmark samples: median and spread, and how numbers are printed.

/** Median of the finite numbers in `xs` (null when there are none). */
export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Linear-interpolated quantile, q in [0, 1]. */
export function quantile(xs, q) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/**
 * The summary kept for every measured quantity: median, min, max, the interquartile range and
 * the samples themselves (so a reader of results.json can recompute anything).
 */
export function summarize(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return { n: 0, median: null, min: null, max: null, p25: null, p75: null, samples: [] };
  return {
    n: v.length,
    median: median(v),
    min: Math.min(...v),
    max: Math.max(...v),
    p25: quantile(v, 0.25),
    p75: quantile(v, 0.75),
    samples: v.map((x) => round(x, 3)),
  };
}

export function round(x, digits = 1) {
  if (x == null || !Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** "12.3" with a sensible number of digits for its size. */
export function fmt(x) {
  if (x == null || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

/** "12.3 (10.1–15.0)": median with min–max. */
export function fmtSpread(s) {
  if (!s || s.median == null) return '–';
  if (s.n <= 1) return fmt(s.median);
  return `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}

/** a / b as "×2.3", or "–". */
export function ratio(a, b) {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

export function fmtRatio(r) {
  if (r == null || !Number.isFinite(r)) return '–';
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}×`;
}

export function fmtBytes(n) {
  if (n == null) return '–';
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}
