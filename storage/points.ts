/**
 * Metric points as flat column buffers, and their insertion in multi-row statements. Values are
 * stored with values.ts's lossless encoding (NaN and -0 kept).
 */
import type { StoreCore } from './core';
import { storedValue, valueKind } from './values';

/** Rows per multi-row INSERT (7 parameters each): fewer JS→C calls than one statement per row. */
const INSERT_CHUNK = 64;

/** Flat column buffers of points for one run (what a flush or an import writes). */
export interface PointColumns {
  keyIds: number[];
  steps: number[];
  epochs: (number | null)[];
  walls: (number | null)[];
  /** Raw values: NaN, ±Infinity and -0 allowed. */
  values: number[];
}

export function emptyColumns(): PointColumns {
  return { keyIds: [], steps: [], epochs: [], walls: [], values: [] };
}

/**
 * The same points ordered by key, keeping arrival order within a key. Inserting one key's points
 * together keeps consecutive B-tree inserts on the same leaf page: ~1.5× the rows per CPU-second
 * of the interleaved order an engine logs in (every key of step s, then of step s+1, ...).
 */
export function groupByKey(cols: PointColumns): PointColumns {
  const n = cols.steps.length;
  const byKey = new Map<number, number[]>();
  let prev = -1;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const k = cols.keyIds[i] as number;
    if (k !== prev && byKey.has(k)) sorted = false;
    prev = k;
    let list = byKey.get(k);
    if (!list) byKey.set(k, (list = []));
    list.push(i);
  }
  if (sorted) return cols;
  const out = emptyColumns();
  for (const list of byKey.values()) {
    for (const i of list) {
      out.keyIds.push(cols.keyIds[i] as number);
      out.steps.push(cols.steps[i] as number);
      out.epochs.push(cols.epochs[i] ?? null);
      out.walls.push(cols.walls[i] ?? null);
      out.values.push(cols.values[i] as number);
    }
  }
  return out;
}

/** Inserts points (replacing any point at the same run×key×step) in multi-row statements. */
export function insertPoints(core: StoreCore, rid: number, cols: PointColumns): void {
  const n = cols.steps.length;
  const full = Math.floor(n / INSERT_CHUNK) * INSERT_CHUNK;
  const rowSql = '(?, ?, ?, ?, ?, ?, ?)';
  const head = 'INSERT OR REPLACE INTO metric_points(run_rid, key_id, step, epoch, wall_ms, value, vkind) VALUES ';
  const many = core.stmt(head + Array.from({ length: INSERT_CHUNK }, () => rowSql).join(', '));
  const one = core.stmt(head + rowSql);
  const params: (number | null)[] = new Array<number | null>(INSERT_CHUNK * 7);
  const { keyIds, steps, epochs, walls, values } = cols;
  for (let start = 0; start < full; start += INSERT_CHUNK) {
    for (let j = 0; j < INSERT_CHUNK; j++) {
      const i = start + j;
      const o = j * 7;
      const v = values[i] as number;
      params[o] = rid;
      params[o + 1] = keyIds[i] as number;
      params[o + 2] = steps[i] as number;
      params[o + 3] = epochs[i] ?? null;
      params[o + 4] = walls[i] ?? null;
      params[o + 5] = storedValue(v);
      params[o + 6] = valueKind(v);
    }
    many.run(params);
  }
  for (let i = full; i < n; i++) {
    const v = values[i] as number;
    one.run(rid, keyIds[i] as number, steps[i] as number, epochs[i] ?? null, walls[i] ?? null, storedValue(v), valueKind(v));
  }
}

