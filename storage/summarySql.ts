/**
 * The summary tables in SQL: merging folded summaries into metric_latest and metric_buckets,
 * and rebuilding them from the points after points were replaced or truncated.
 */
import type { StoreCore } from './core';
import { type KeyAgg, SummaryBuilder } from './summaries';
import { VKIND_NAN } from './values';

/**
 * Merging a folded summary's extremes into a stored row (both upserts below): the smaller min and
 * the larger max win, each with its step; a side with no finite value (NULL: only NaN points)
 * leaves the other's.
 */
const MERGE_MIN_MAX = `min_step  = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value)
                   THEN excluded.min_step ELSE min_step END,
  min_value = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value)
                   THEN excluded.min_value ELSE min_value END,
  max_step  = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value)
                   THEN excluded.max_step ELSE max_step END,
  max_value = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value)
                   THEN excluded.max_value ELSE max_value END`;

const UPSERT_LATEST = `
INSERT INTO metric_latest(run_rid, key_id, n_points, nan_count, last_step, last_value, last_vkind,
                          min_step, min_value, max_step, max_value)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(run_rid, key_id) DO UPDATE SET
  n_points   = n_points + excluded.n_points,
  nan_count  = nan_count + excluded.nan_count,
  last_step  = CASE WHEN excluded.last_step >= last_step THEN excluded.last_step ELSE last_step END,
  last_value = CASE WHEN excluded.last_step >= last_step THEN excluded.last_value ELSE last_value END,
  last_vkind = CASE WHEN excluded.last_step >= last_step THEN excluded.last_vkind ELSE last_vkind END,
  ${MERGE_MIN_MAX}`;

const UPSERT_BUCKET = `
INSERT INTO metric_buckets(run_rid, key_id, bucket, n, first_step, first_value, last_step, last_value,
                           min_step, min_value, max_step, max_value, nan_step)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(run_rid, key_id, bucket) DO UPDATE SET
  n           = n + excluded.n,
  first_step  = CASE WHEN excluded.first_step < first_step THEN excluded.first_step ELSE first_step END,
  first_value = CASE WHEN excluded.first_step < first_step THEN excluded.first_value ELSE first_value END,
  last_step   = CASE WHEN excluded.last_step >= last_step THEN excluded.last_step ELSE last_step END,
  last_value  = CASE WHEN excluded.last_step >= last_step THEN excluded.last_value ELSE last_value END,
  ${MERGE_MIN_MAX},
  nan_step    = CASE WHEN nan_step IS NULL THEN excluded.nan_step
                     WHEN excluded.nan_step IS NULL THEN nan_step
                     ELSE min(nan_step, excluded.nan_step) END`;

/** Merges a builder's summaries into the tables (inside the caller's transaction). */
export function writeSummaries(core: StoreCore, rid: number, aggs: readonly KeyAgg[]): void {
  const latest = core.stmt(UPSERT_LATEST);
  const bucket = core.stmt(UPSERT_BUCKET);
  for (const k of aggs) {
    latest.run(
      rid,
      k.keyId,
      k.count,
      k.nanCount,
      k.lastStep,
      k.lastValue,
      k.lastVkind,
      k.minStep,
      k.minValue,
      k.maxStep,
      k.maxValue,
    );
    for (const b of k.buckets) {
      bucket.run(
        rid,
        k.keyId,
        b.bucket,
        b.n,
        b.firstStep,
        b.firstValue,
        b.lastStep,
        b.lastValue,
        b.minStep,
        b.minValue,
        b.maxStep,
        b.maxValue,
        b.nanStep,
      );
    }
  }
}

/**
 * Recomputes latest and bucket summaries of a run (or some of its keys) from its points. Used
 * after points were replaced or truncated, and by imports. Inside the caller's transaction.
 */
export function rebuildSummaries(core: StoreCore, rid: number, keyIds?: readonly number[]): void {
  const ids =
    keyIds ??
    (core.stmt('SELECT DISTINCT key_id FROM metric_points WHERE run_rid = ?').pluck().all(rid) as number[]);
  if (!keyIds) {
    core.stmt('DELETE FROM metric_latest WHERE run_rid = ?').run(rid);
    core.stmt('DELETE FROM metric_buckets WHERE run_rid = ?').run(rid);
  }
  const select = core
    .stmt('SELECT step, value, vkind FROM metric_points WHERE run_rid = ? AND key_id = ? ORDER BY step')
    .raw(true);
  for (const keyId of ids) {
    if (keyIds) {
      core.stmt('DELETE FROM metric_latest WHERE run_rid = ? AND key_id = ?').run(rid, keyId);
      core.stmt('DELETE FROM metric_buckets WHERE run_rid = ? AND key_id = ?').run(rid, keyId);
    }
    const builder = new SummaryBuilder(() => 0);
    for (const row of select.all(rid, keyId) as [number, number | null, number][]) {
      builder.add(keyId, row[0], row[2] === VKIND_NAN ? null : row[1], row[2]);
    }
    writeSummaries(core, rid, builder.results());
  }
}

