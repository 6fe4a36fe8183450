/** Mapping between the runs table's rows and the public RunRow shape. */
import type { StoreCore } from './core';
import { fromJsonText } from './json';
import type { RunRow, RunStatus, RunSummary, StoredEvent, StoreEventKind, JsonValue } from './types';

/**
 * Every column of the runs table, as a record with camelCase names and raw column values (JSON
 * kept as text). The one column map: rows (RunRow), runs (insert) and bundles (export/import)
 * are all built from it, so a new column is added here once.
 */
export interface RunRecord {
  id: string;
  name: string;
  kind: string;
  algorithm: string | null;
  preset: string | null;
  groupId: string | null;
  seed: number | null;
  specJson: string;
  specHash: string;
  status: RunStatus;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  updatedAt: number;
  deletedAt: number | null;
  backend: string | null;
  versionsJson: string | null;
  appVersion: string | null;
  gitCommit: string | null;
  host: string | null;
  pid: number | null;
  error: string | null;
  notes: string;
  steps: number | null;
  epochs: number | null;
  annealStep: number | null;
  stopReason: string | null;
  wallS: number | null;
  summaryJson: string | null;
}

/** Record field → runs column. */
export const RUN_COLUMNS = {
  id: 'id',
  name: 'name',
  kind: 'kind',
  algorithm: 'algorithm',
  preset: 'preset',
  groupId: 'group_id',
  seed: 'seed',
  specJson: 'spec_json',
  specHash: 'spec_hash',
  status: 'status',
  createdAt: 'created_at',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  updatedAt: 'updated_at',
  deletedAt: 'deleted_at',
  backend: 'backend',
  versionsJson: 'versions_json',
  appVersion: 'app_version',
  gitCommit: 'git_commit',
  host: 'host',
  pid: 'pid',
  error: 'error',
  notes: 'notes',
  steps: 'steps',
  epochs: 'epochs',
  annealStep: 'anneal_step',
  stopReason: 'stop_reason',
  wallS: 'wall_s',
  summaryJson: 'summary_json',
} as const satisfies { readonly [K in keyof RunRecord]: string };

const RECORD_FIELDS = Object.keys(RUN_COLUMNS) as (keyof RunRecord)[];

/** A runs row as SQLite returns it (`SELECT *`): the record's columns under their SQL names, plus rid. */
export type DbRun = { rid: number } & { [K in keyof RunRecord as (typeof RUN_COLUMNS)[K]]: RunRecord[K] };

/** The record of a row (every column, camelCase). */
export function recordOf(r: DbRun): RunRecord {
  const out: Record<string, unknown> = {};
  for (const f of RECORD_FIELDS) out[f] = (r as unknown as Record<string, unknown>)[RUN_COLUMNS[f]];
  return out as unknown as RunRecord;
}

const INSERT_RUN = `INSERT INTO runs(${RECORD_FIELDS.map((f) => RUN_COLUMNS[f]).join(', ')}) VALUES (${RECORD_FIELDS.map(() => '?').join(', ')})`;

/** Inserts a full run record; returns its rid. */
export function insertRunRecord(core: StoreCore, rec: RunRecord): number {
  const info = core.stmt(INSERT_RUN).run(...RECORD_FIELDS.map((f) => rec[f]));
  return Number(info.lastInsertRowid);
}

export function toRunRow(r: DbRun, tags: readonly string[]): RunRow {
  const { versionsJson, summaryJson, ...rest } = recordOf(r);
  return {
    ...rest,
    versions: versionsJson === null ? null : (JSON.parse(versionsJson) as Record<string, string>),
    summary: summaryJson === null ? null : fromJsonText<RunSummary>(summaryJson),
    tags,
  };
}

/** Tags of many runs at once, keyed by rid (each list sorted). */
export function tagsOf(core: StoreCore, rids: readonly number[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (rids.length === 0) return out;
  const rows = core
    .stmt('SELECT run_rid, tag FROM run_tags WHERE run_rid IN (SELECT value FROM json_each(?)) ORDER BY run_rid, tag')
    .raw(true)
    .all(JSON.stringify(rids)) as [number, string][];
  for (const [rid, tag] of rows) {
    let list = out.get(rid);
    if (!list) out.set(rid, (list = []));
    list.push(tag);
  }
  return out;
}

export interface DbEvent {
  id: number;
  at: number;
  kind: string;
  step: number | null;
  epoch: number | null;
  message: string;
  data_json: string | null;
}

export function toStoredEvent(e: DbEvent): StoredEvent {
  return {
    id: e.id,
    at: e.at,
    kind: e.kind as StoreEventKind,
    step: e.step,
    epoch: e.epoch,
    message: e.message,
    data: e.data_json === null ? null : fromJsonText<Record<string, JsonValue>>(e.data_json),
  };
}
