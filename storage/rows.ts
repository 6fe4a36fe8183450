/** Mapping between the runs table's rows and the public RunRow shape. */
import type { StoreCore } from './core';
import { fromJsonText } from './json';
import type { RunRow, RunStatus, RunSummary, StoredEvent, StoreEventKind, JsonValue } from './types';

/** A runs row as SQLite returns it. */
export interface DbRun {
  rid: number;
  id: string;
  name: string;
  kind: string;
  algorithm: string | null;
  preset: string | null;
  group_id: string | null;
  seed: number | null;
  spec_json: string;
  spec_hash: string;
  status: RunStatus;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  updated_at: number;
  deleted_at: number | null;
  backend: string | null;
  versions_json: string | null;
  app_version: string | null;
  git_commit: string | null;
  host: string | null;
  pid: number | null;
  error: string | null;
  notes: string;
  steps: number | null;
  epochs: number | null;
  anneal_step: number | null;
  stop_reason: string | null;
  wall_s: number | null;
  summary_json: string | null;
}

export function toRunRow(r: DbRun, tags: readonly string[]): RunRow {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    algorithm: r.algorithm,
    preset: r.preset,
    groupId: r.group_id,
    seed: r.seed,
    specJson: r.spec_json,
    specHash: r.spec_hash,
    status: r.status,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    updatedAt: r.updated_at,
    deletedAt: r.deleted_at,
    backend: r.backend,
    versions: r.versions_json === null ? null : (JSON.parse(r.versions_json) as Record<string, string>),
    appVersion: r.app_version,
    gitCommit: r.git_commit,
    host: r.host,
    pid: r.pid,
    error: r.error,
    notes: r.notes,
    steps: r.steps,
    epochs: r.epochs,
    annealStep: r.anneal_step,
    stopReason: r.stop_reason,
    wallS: r.wall_s,
    summary: r.summary_json === null ? null : fromJsonText<RunSummary>(r.summary_json),
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
