/** Numbers on the wire: JSON has no NaN or ±Infinity, so they travel as strings (the api's WireNumberSchema). */
import type { WireNumber } from '../../api/schemas';

export type { WireNumber };

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
