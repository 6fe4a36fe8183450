/** The run list: filters, text search, sorting by summary columns or a metric's latest/min/max. */
import type { StoreCore } from './core';
import { StoreError } from './errors';
import { type DbRun, tagsOf, toRunRow } from './rows';
import { decodeValue } from './values';
import { type LatestMetric, METRIC_STATS, RUN_SORT_COLUMNS, type RunList, type RunListRow, type RunQuery, type RunSortColumn } from './types';

const SORT_SQL: Record<RunSortColumn, string> = {
  name: 'r.name COLLATE NOCASE',
  status: 'r.status',
  kind: 'r.kind',
  algorithm: 'r.algorithm',
  preset: 'r.preset',
  groupId: 'r.group_id',
  seed: 'r.seed',
  backend: 'r.backend',
  createdAt: 'r.created_at',
  startedAt: 'r.started_at',
  endedAt: 'r.ended_at',
  updatedAt: 'r.updated_at',
  durationMs: '(r.ended_at - r.started_at)',
  steps: 'r.steps',
  epochs: 'r.epochs',
  annealStep: 'r.anneal_step',
  wallS: 'r.wall_s',
};

interface DbLatest {
  run_rid: number;
  key_id: number;
  n_points: number;
  nan_count: number;
  last_step: number;
  last_value: number | null;
  last_vkind: number;
  min_step: number | null;
  min_value: number | null;
  max_step: number | null;
  max_value: number | null;
}

export function toLatest(key: string, r: DbLatest): LatestMetric {
  return {
    key,
    nPoints: r.n_points,
    nanCount: r.nan_count,
    lastStep: r.last_step,
    last: decodeValue(r.last_value, r.last_vkind),
    min: r.min_value,
    minStep: r.min_step,
    max: r.max_value,
    maxStep: r.max_step,
  };
}

/** Latest-value rows of `rids` (all keys, or only `keyIds`), keyed by rid. */
export function latestOf(core: StoreCore, rids: readonly number[], keyIds?: readonly number[]): Map<number, LatestMetric[]> {
  const out = new Map<number, LatestMetric[]>();
  if (rids.length === 0) return out;
  const rows = (
    keyIds
      ? core
          .stmt(
            `SELECT * FROM metric_latest WHERE run_rid IN (SELECT value FROM json_each(?))
             AND key_id IN (SELECT value FROM json_each(?))`,
          )
          .all(JSON.stringify(rids), JSON.stringify(keyIds))
      : core.stmt('SELECT * FROM metric_latest WHERE run_rid IN (SELECT value FROM json_each(?))').all(JSON.stringify(rids))
  ) as DbLatest[];
  for (const r of rows) {
    let list = out.get(r.run_rid);
    if (!list) out.set(r.run_rid, (list = []));
    list.push(toLatest(core.keyName(r.key_id), r));
  }
  return out;
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function listRuns(core: StoreCore, q: RunQuery = {}): RunList {
  const where: string[] = [];
  const params: (string | number | null)[] = [];
  if (q.onlyDeleted) where.push('r.deleted_at IS NOT NULL');
  else if (!q.includeDeleted) where.push('r.deleted_at IS NULL');
  const text = q.text?.trim();
  if (text) {
    const p = likePattern(text);
    where.push(
      `(r.name LIKE ? ESCAPE '\\' OR r.notes LIKE ? ESCAPE '\\' OR r.preset LIKE ? ESCAPE '\\' OR r.id LIKE ? ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM run_tags t WHERE t.run_rid = r.rid AND t.tag LIKE ? ESCAPE '\\'))`,
    );
    params.push(p, p, p, p, p);
  }
  const inList = (column: string, values: readonly string[] | undefined): void => {
    if (values === undefined) return;
    where.push(`${column} IN (SELECT value FROM json_each(?))`);
    params.push(JSON.stringify(values));
  };
  inList('r.id', q.ids);
  inList('r.status', q.status);
  inList('r.preset', q.preset);
  inList('r.kind', q.kind);
  inList('r.algorithm', q.algorithm);
  for (const tag of q.tag ?? []) {
    where.push('EXISTS (SELECT 1 FROM run_tags t WHERE t.run_rid = r.rid AND t.tag = ?)');
    params.push(tag);
  }
  if (q.createdFrom !== undefined) {
    where.push('r.created_at >= ?');
    params.push(q.createdFrom);
  }
  if (q.createdTo !== undefined) {
    where.push('r.created_at <= ?');
    params.push(q.createdTo);
  }
  if (q.groupId !== undefined) {
    where.push('r.group_id = ?');
    params.push(q.groupId);
  }
  const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';

  let join = '';
  const joinParams: number[] = [];
  let sortExpr: string;
  let missingFirst = '';
  const sortBy = q.sortBy ?? 'createdAt';
  if (typeof sortBy === 'object') {
    if (!(METRIC_STATS as readonly string[]).includes(sortBy.stat)) {
      throw new StoreError('invalid_argument', `Cannot sort runs by ${JSON.stringify(sortBy.stat)} of ${sortBy.metric}: a metric sorts by one of ${METRIC_STATS.join(', ')}.`, core.file);
    }
    const keyId = core.findKeyId(sortBy.metric);
    join = 'LEFT JOIN metric_latest ml ON ml.run_rid = r.rid AND ml.key_id = ?';
    joinParams.push(keyId ?? -1);
    sortExpr = `ml.${sortBy.stat}_value`;
    // runs without the metric go after runs whose value is NaN (NULL), which go after numbers
    missingFirst = 'ml.run_rid IS NULL, ';
  } else if ((RUN_SORT_COLUMNS as readonly string[]).includes(sortBy)) {
    sortExpr = SORT_SQL[sortBy as RunSortColumn];
  } else {
    throw new StoreError(
      'invalid_argument',
      `Cannot sort runs by ${JSON.stringify(sortBy)}: use one of ${RUN_SORT_COLUMNS.join(', ')} or a metric's ${METRIC_STATS.join('|')}.`,
      core.file,
    );
  }
  const dir = q.sortDir === 'asc' ? 'ASC' : 'DESC';
  const limit = Math.max(0, Math.min(q.limit ?? 100, 10_000));
  const offset = Math.max(0, q.offset ?? 0);

  return core.read('listing runs', () => {
    const total = core.stmt(`SELECT count(*) FROM runs r ${whereSql}`).pluck().get(...params) as number;
    // Missing values (and NaN, stored as NULL) sort last in either direction.
    const rows = core
      .stmt(
        `SELECT r.* FROM runs r ${join} ${whereSql}
         ORDER BY ${missingFirst}(${sortExpr}) IS NULL, ${sortExpr} ${dir}, r.created_at ${dir}, r.rid ${dir} LIMIT ? OFFSET ?`,
      )
      .all(...joinParams, ...params, limit, offset) as DbRun[];
    const rids = rows.map((r) => r.rid);
    const tags = tagsOf(core, rids);
    const keyIds = (q.metricKeys ?? []).map((k) => core.findKeyId(k)).filter((k): k is number => k !== null);
    const latest = keyIds.length > 0 ? latestOf(core, rids, keyIds) : new Map<number, LatestMetric[]>();
    const out: RunListRow[] = rows.map((r) => {
      const metrics: Record<string, LatestMetric> = {};
      for (const m of latest.get(r.rid) ?? []) metrics[m.key] = m;
      return { ...toRunRow(r, tags.get(r.rid) ?? []), metrics };
    });
    return { total, rows: out };
  });
}
