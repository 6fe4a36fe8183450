/**
 * Lossless metric values in SQLite. A REAL column cannot hold NaN (it becomes NULL) and stores -0
 * as 0, so each point carries a `vkind`: 0 = the REAL as stored (finite or ±Infinity, which SQLite
 * keeps natively so min/max in SQL stay right), 1 = NaN (value NULL), 2 = -0 (value 0).
 */

export const VKIND_PLAIN = 0;
export const VKIND_NAN = 1;
export const VKIND_NEG_ZERO = 2;

export function valueKind(v: number): number {
  if (v !== v) return VKIND_NAN;
  if (v === 0 && 1 / v < 0) return VKIND_NEG_ZERO;
  return VKIND_PLAIN;
}

/** The REAL to store for `v` (null for NaN, 0 for -0). */
export function storedValue(v: number): number | null {
  if (v !== v) return null;
  return v === 0 ? 0 : v;
}

export function decodeValue(value: number | null, vkind: number): number {
  if (vkind === VKIND_NAN || value === null) return NaN;
  if (vkind === VKIND_NEG_ZERO) return -0;
  return value;
}

/** JSON has no NaN/±Infinity/-0: bundles write those as strings. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';

export function toJsonNumber(v: number): JsonNumber {
  if (v !== v) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0 && 1 / v < 0) return '-0';
  return v;
}

export function fromJsonNumber(v: JsonNumber): number {
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case '-0':
      return -0;
    default:
      return v;
  }
}
