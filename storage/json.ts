/**
 * JSON text for summaries and event data that keeps NaN, ±Infinity and -0 (plain JSON turns
 * them into null or 0): such numbers are written as {"$num": "NaN" | "Infinity" | "-Infinity" | "-0"}.
 */

function encode(_key: string, v: unknown): unknown {
  if (typeof v !== 'number') return v;
  if (v !== v) return { $num: 'NaN' };
  if (v === Infinity) return { $num: 'Infinity' };
  if (v === -Infinity) return { $num: '-Infinity' };
  if (v === 0 && 1 / v < 0) return { $num: '-0' };
  return v;
}

function decode(_key: string, v: unknown): unknown {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$num') {
      switch ((v as { $num: unknown }).$num) {
        case 'NaN':
          return NaN;
        case 'Infinity':
          return Infinity;
        case '-Infinity':
          return -Infinity;
        case '-0':
          return -0;
      }
    }
  }
  return v;
}

export function toJsonText(value: unknown): string {
  return JSON.stringify(value, encode);
}

export function fromJsonText<T>(text: string): T {
  return JSON.parse(text, decode) as T;
}
