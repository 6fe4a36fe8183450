/** JSON text of a CLI result: NaN and ±Infinity (legal metric values) print as null. */
import type { CliRunResult } from './run';

export function resultToJson(result: CliRunResult | readonly CliRunResult[]): string {
  return JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}
