/**
 * Schema v1. Never edit after it ships: add 002_*.ts instead.
 *
 * Choices worth knowing when reading the data with the sqlite3 shell:
 * - Times are integer milliseconds since the Unix epoch (UTC).
 * - runs.rid is the internal integer key (compact in the points table); runs.id is the public id.
 * - metric_points.value is REAL; SQLite cannot hold NaN (it becomes NULL) and folds -0 to 0, so
 *   `vkind` says how to read it: 0 = the value as stored (finite or ±Infinity, which REAL holds
 *   natively), 1 = NaN (value NULL), 2 = -0 (value 0). ±Inf stay numbers so min/max in SQL still work.
 * - metric_latest: one row per (run, key) so a run list never scans points.
 * - metric_buckets: every 64 consecutive points of a (run, key) summarized as first/last/min/max
 *   (with their steps) and the first NaN step, so a downsampled chart of a 50k-point series reads
 *   ~800 rows instead of 50k ("MinMax preselection", then LTTB or min/max buckets on top).
 * - checkpoints rows point at files in `<db>.checkpoints/<runId>/` (see checkpoints.ts for why).
 */
import type { Migration } from './types';

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('format', 'lrlab-store');

CREATE TABLE runs (
  rid          INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL,
  algorithm    TEXT,
  preset       TEXT,
  group_id     TEXT,
  seed         INTEGER,
  spec_json    TEXT NOT NULL,
  spec_hash    TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN
                 ('queued','running','completed','failed','diverged','stopped','interrupted')),
  created_at   INTEGER NOT NULL,
  started_at   INTEGER,
  ended_at     INTEGER,
  updated_at   INTEGER NOT NULL,
  deleted_at   INTEGER,
  backend      TEXT,
  versions_json TEXT,
  app_version  TEXT,
  git_commit   TEXT,
  host         TEXT,
  pid          INTEGER,
  error        TEXT,
  notes        TEXT NOT NULL DEFAULT '',
  steps        INTEGER,
  epochs       INTEGER,
  anneal_step  INTEGER,
  stop_reason  TEXT,
  wall_s       REAL,
  summary_json TEXT
);
CREATE INDEX runs_created ON runs(created_at);
CREATE INDEX runs_status ON runs(status, created_at);
CREATE INDEX runs_preset ON runs(preset, created_at);
CREATE INDEX runs_group ON runs(group_id);
CREATE INDEX runs_kind ON runs(kind, algorithm);
CREATE INDEX runs_deleted ON runs(deleted_at);

CREATE TABLE run_tags (
  run_rid INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
  tag     TEXT NOT NULL,
  PRIMARY KEY (run_rid, tag)
) WITHOUT ROWID;
CREATE INDEX run_tags_tag ON run_tags(tag, run_rid);

CREATE TABLE metric_keys (
  id  INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE
);

CREATE TABLE metric_points (
  run_rid INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
  key_id  INTEGER NOT NULL,
  step    INTEGER NOT NULL,
  epoch   INTEGER,
  wall_ms REAL,
  value   REAL,
  vkind   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_rid, key_id, step)
) WITHOUT ROWID;

CREATE TABLE metric_latest (
  run_rid    INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
  key_id     INTEGER NOT NULL,
  n_points   INTEGER NOT NULL,
  nan_count  INTEGER NOT NULL,
  last_step  INTEGER NOT NULL,
  last_value REAL,
  last_vkind INTEGER NOT NULL,
  min_step   INTEGER,
  min_value  REAL,
  max_step   INTEGER,
  max_value  REAL,
  PRIMARY KEY (run_rid, key_id)
) WITHOUT ROWID;
CREATE INDEX metric_latest_key ON metric_latest(key_id, run_rid);

CREATE TABLE metric_buckets (
  run_rid     INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
  key_id      INTEGER NOT NULL,
  bucket      INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  first_step  INTEGER NOT NULL,
  first_value REAL,
  last_step   INTEGER NOT NULL,
  last_value  REAL,
  min_step    INTEGER,
  min_value   REAL,
  max_step    INTEGER,
  max_value   REAL,
  nan_step    INTEGER,
  PRIMARY KEY (run_rid, key_id, bucket)
) WITHOUT ROWID;

CREATE TABLE events (
  id        INTEGER PRIMARY KEY,
  run_rid   INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
  at        INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  step      INTEGER,
  epoch     INTEGER,
  message   TEXT NOT NULL,
  data_json TEXT
);
CREATE INDEX events_run ON events(run_rid, id);

CREATE TABLE checkpoints (
  id         INTEGER PRIMARY KEY,
  run_rid    INTEGER NOT NULL REFERENCES runs(rid) ON DELETE CASCADE,
  step       INTEGER NOT NULL,
  epoch      INTEGER,
  file       TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (run_rid, step)
);

CREATE TABLE figures (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  spec_json  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE host_lock (
  slot         INTEGER PRIMARY KEY CHECK (slot = 1),
  owner_id     TEXT NOT NULL,
  pid          INTEGER NOT NULL,
  host         TEXT NOT NULL,
  acquired_at  INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);
`,
};
