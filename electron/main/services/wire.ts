/** Numbers on the wire: JSON has no NaN or ±Infinity, so they travel as strings. */
export type WireNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function toWire(v: number): WireNumber {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

/** Finite numbers as they are; NaN and ±Infinity as null (for summaries that are nullable). */
export function finiteOrNull(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}

export function wireRecord(values: Readonly<Record<string, number>>): Record<string, WireNumber> {
  const out: Record<string, WireNumber> = {};
  for (const [k, v] of Object.entries(values)) out[k] = toWire(v);
  return out;
}
