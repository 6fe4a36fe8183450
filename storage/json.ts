/**
 * JSON text for summaries and event data that keeps NaN, ±Infinity and -0 (plain JSON turns
 * them into null or 0): such numbers are written as {"$num": "NaN" | "Infinity" | "-Infinity" | "-0"},
 * the same spellings as bundles use (values.ts).
 */
import { fromJsonNumber, toJsonNumber } from './values';

const SPECIAL = new Set(['NaN', 'Infinity', '-Infinity', '-0']);

function encode(_key: string, v: unknown): unknown {
  if (typeof v !== 'number') return v;
  const j = toJsonNumber(v);
  return typeof j === 'string' ? { $num: j } : v;
}

function decode(_key: string, v: unknown): unknown {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const keys = Object.keys(v);
    const num = (v as { $num?: unknown }).$num;
    if (keys.length === 1 && typeof num === 'string' && SPECIAL.has(num)) return fromJsonNumber(num as 'NaN');
  }
  return v;
}

export function toJsonText(value: unknown): string {
  return JSON.stringify(value, encode);
}

export function fromJsonText<T>(text: string): T {
  return JSON.parse(text, decode) as T;
}

/**
 * Deepest nesting of a JSON value, walked without recursion (a 10 000-level document would
 * overflow the stack of JSON.stringify and of any recursive check). Stops early once past `limit`.
 */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, d);
    if (deepest > limit) return deepest;
    for (const x of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) stack.push([x, d + 1]);
  }
  return deepest;
}
