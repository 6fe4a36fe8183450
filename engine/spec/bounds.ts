/**
 * Bounds on JSON documents that come from outside (spec files, api requests, figure specs,
 * bundles): nesting depth and number of values. A spec is a few levels deep and a few hundred
 * values; without a bound a hostile or broken document 10 000 levels deep overflows the stack
 * of every recursive consumer (structuredClone, JSON.stringify, zod) with "Maximum call stack
 * size exceeded". The walk below is iterative, so it cannot overflow itself.
 */

export interface JsonBounds {
  /** Deepest nesting of objects/arrays allowed (the document itself is level 1). */
  readonly maxDepth: number;
  /** Most values (objects, arrays and scalars together) allowed. */
  readonly maxValues: number;
}

/** Run specs, sweep specs and figure specs: far above any real one (depth ≤ 6, < 500 values). */
export const SPEC_BOUNDS: JsonBounds = { maxDepth: 32, maxValues: 100_000 };

/** Spec files larger than this are refused before they are read (real ones are < 10 KiB). */
export const MAX_SPEC_FILE_BYTES = 1024 * 1024;

/**
 * Null when `value` is within bounds, else a sentence saying which bound it passed (and where,
 * as a dotted path, for depth).
 */
export function jsonBoundsProblem(value: unknown, bounds: JsonBounds = SPEC_BOUNDS): string | null {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 1, path: '' }];
  let count = 0;
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (++count > bounds.maxValues) return `it has more than ${bounds.maxValues} values`;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > bounds.maxDepth) return `it is nested deeper than ${bounds.maxDepth} levels (at ${path || '(top)'})`;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], depth: depth + 1, path: `${path}[${i}]` });
    } else {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) stack.push({ v: x, depth: depth + 1, path: path ? `${path}.${k}` : k });
    }
  }
  return null;
}
