/** Numbers for axes and tooltips: significant digits, integers as integers. */
export function sigFormat(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e9) return String(v);
  // 4e-6, not 4.00e-6: trailing zeros of the mantissa say nothing.
  if (a >= 1e6 || a < 1e-3) return v.toExponential(Math.max(0, digits - 2)).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(digits)));
}

/** x values: steps are integers (with thousands kept compact), epochs and seconds with 3 digits. */
export function xFormat(v: number, unit: 'step' | 'epoch' | 'wall'): string {
  if (unit === 'step') return Math.abs(v) >= 1e5 ? `${Number((v / 1000).toPrecision(4))}k` : String(Math.round(v));
  return sigFormat(v, 3);
}
