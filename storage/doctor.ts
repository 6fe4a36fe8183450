/**
 * `lrlab doctor`: an integrity report of a store, and salvage of what is readable in a damaged
 * one into a new store. The damaged file is only ever opened read-only: it stays byte-identical.
 *
 * How salvage reads. SQLite's own recovery (the sqlite3 shell's `.recover`) was tried first:
 * Debian bookworm's sqlite3 3.40 gave up on the issue's drill (8 KiB of random bytes in the middle
 * of a store: "database disk image is malformed", no rows out), and better-sqlite3 does not
 * ship the recovery extension. So salvage reads the damaged file through SQLite itself, table by
 * table and run by run, in key order: a query that trips over a damaged page is retried past it
 * (keys after the failing one, at doubling distances), so one bad page costs the rows on that
 * page, not the rest of the table. Every range that could not be read is reported. Summaries
 * (metric_latest, metric_buckets) are rebuilt from the salvaged points rather than copied.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { importedStatus } from './bundle';
import { type Db, checkHeader, openConnection, openRawReadOnly } from './connection';
import { StoreCore } from './core';
import { StoreError } from './errors';
import { isSound, quickCheck } from './integrity';
import { rebuildSummaries } from './summarySql';
import { RUN_COLUMNS as RUN_COLUMN_MAP } from './rows';
import type { RunStatus } from './types';

export interface DoctorReport {
  readonly file: string;
  readonly bytes: number;
  /** Null when the 100-byte header is fine, else what is wrong with it. */
  readonly headerProblem: string | null;
  readonly schemaVersion: number | null;
  /** `PRAGMA integrity_check` lines (at most 100); ['ok'] when sound. */
  readonly integrity: readonly string[];
  readonly sound: boolean;
  /** Runs SQLite could list (null when the runs table cannot be read at all). */
  readonly runs: number | null;
  /** How the file was read: in place, or from a copy in memory (full or read-only disk). */
  readonly readNote: string | null;
}

/** Reads `file` read-only and reports on it: header, schema version, full integrity check. */
export function diagnoseStore(file: string): DoctorReport {
  const bytes = statSync(file).size;
  let headerProblem: string | null = null;
  try {
    checkHeader(file);
  } catch (err) {
    headerProblem = err instanceof Error ? err.message : String(err);
  }
  const { db, note } = openRawReadOnly(file, { busyTimeoutMs: 5000 });
  try {
    const schemaVersion = tryRead(() => db.pragma('user_version', { simple: true }) as number);
    let integrity: string[];
    try {
      integrity = (db.pragma('integrity_check(100)') as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (err) {
      integrity = [`SQLite could not read the file to check it: ${(err as Error).message}`];
    }
    const runs = tryRead(() => db.prepare('SELECT count(*) FROM runs').pluck().get() as number);
    return { file, bytes, headerProblem, schemaVersion, integrity, sound: headerProblem === null && isSound(integrity), runs, readNote: note };
  } finally {
    db.close();
  }
}

function tryRead<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

export interface SalvageResult {
  readonly from: string;
  readonly to: string;
  readonly runs: number;
  readonly points: number;
  readonly events: number;
  readonly figures: number;
  readonly checkpointFiles: number;
  /** Ranges that could not be read, in words ("run abc: loss after step 4095 (…)"). */
  readonly lost: readonly string[];
  /** quick_check of the new store: ['ok']. */
  readonly check: readonly string[];
}

const BATCH = 2048;

/**
 * Reads rows in ascending integer key order with `fetch(after)` (rows with key > after, at most
 * BATCH), skipping past ranges SQLite cannot read. `lost(after, resumedAfter, err)` is told of each.
 */
function scan<T>(fetch: (after: number) => T[], keyOf: (row: T) => number, take: (rows: T[]) => void, lost: (after: number, resumed: number | null, err: unknown) => void): void {
  let after = -1;
  for (;;) {
    let rows: T[];
    try {
      rows = fetch(after);
    } catch (err) {
      let resumed: number | null = null;
      rows = [];
      let bad = 0; // fetch(after + bad) fails
      for (let gap = 1; gap < 2 ** 52; gap *= 2) {
        try {
          rows = fetch(after + gap);
          resumed = after + gap;
          break;
        } catch {
          bad = gap; // still inside the damaged range
        }
      }
      // Narrow the skipped range: the first readable start between the last failing probe and
      // the first good one, so a bad page costs its own rows and not the doubling's overshoot.
      while (resumed !== null && resumed - (after + bad) > 1) {
        const mid = after + bad + Math.floor((resumed - (after + bad)) / 2);
        try {
          rows = fetch(mid);
          resumed = mid;
        } catch {
          bad = mid - after;
        }
      }
      lost(after, resumed, err);
      if (resumed === null) return;
    }
    if (rows.length === 0) return;
    take(rows);
    after = keyOf(rows[rows.length - 1] as T);
  }
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

interface RunRowRaw {
  rid: number;
  id: string;
  status: RunStatus;
  ended_at: number | null;
  updated_at: number;
  [col: string]: unknown;
}

/** The runs table's columns, from the one column map (rows.ts). */
const RUN_COLUMNS = Object.values(RUN_COLUMN_MAP);

/**
 * Copies every readable run (with its tags, events, points, checkpoint rows and files) and every
 * readable figure of the damaged store `from` into a new store `to` (which must not exist).
 * `from` is opened read-only and never changed.
 */
export function salvageStore(from: string, to: string): SalvageResult {
  if (existsSync(to)) throw new StoreError('invalid_argument', `${to} exists; salvage writes a new store: give a path that does not exist yet.`, to);
  const src = openRawReadOnly(from, { busyTimeoutMs: 5000 }).db;
  let dst: Db | null = null;
  try {
    dst = openConnection(to, { busyTimeoutMs: 5000 });
    const core = new StoreCore(dst, to, Date.now, hostname(), `${to}.checkpoints`, null);
    const lost: string[] = [];
    const counts = { runs: 0, points: 0, events: 0, figures: 0, checkpointFiles: 0 };

    // metric keys: id → name (a key whose row is lost keeps its points under `key#<id>`)
    const keyNames = new Map<number, string>();
    scan(
      (after) => src.prepare('SELECT id, key FROM metric_keys WHERE id > ? ORDER BY id LIMIT ?').all(after, BATCH) as { id: number; key: string }[],
      (r) => r.id,
      (rows) => rows.forEach((r) => keyNames.set(r.id, r.key)),
      (after, resumed, err) => lost.push(`metric key names after #${after}${resumed === null ? '' : ` up to #${resumed}`} (${errText(err)})`),
    );

    const insertRun = dst.prepare(`INSERT INTO runs(${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map(() => '?').join(', ')})`);
    const insertPoint = dst.prepare('INSERT OR REPLACE INTO metric_points(run_rid, key_id, step, epoch, wall_ms, value, vkind) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const srcCkptDir = `${from}.checkpoints`;

    scan(
      (after) => src.prepare('SELECT * FROM runs WHERE rid > ? ORDER BY rid LIMIT ?').all(after, BATCH) as RunRowRaw[],
      (r) => r.rid,
      (runs) => {
        for (const r of runs) {
          try {
            salvageRun(r);
            counts.runs++;
          } catch (err) {
            lost.push(`run ${r.id}: could not be copied (${errText(err)})`);
          }
        }
      },
      (after, resumed, err) => lost.push(`runs after row #${after}${resumed === null ? ' (the rest of the table)' : ` up to row #${resumed}`} (${errText(err)})`),
    );

    function salvageRun(r: RunRowRaw): void {
      const landed = importedStatus(r.status);
      const live = landed.note !== null;
      const values = RUN_COLUMNS.map((c) => {
        if (c === 'status') return landed.status;
        if (live && c === 'ended_at') return r.ended_at ?? r.updated_at;
        if (live && (c === 'pid' || c === 'host')) return null;
        return r[c] ?? null;
      });
      const rid = core.write(`salvaging run ${r.id}`, () => Number(insertRun.run(...values).lastInsertRowid));
      const where = `run ${r.id}`;
      // tags and events are per run and small: read whole, or report them lost
      try {
        const tags = src.prepare('SELECT tag FROM run_tags WHERE run_rid = ?').pluck().all(r.rid) as string[];
        core.write('salvaging tags', () => tags.forEach((t) => dst!.prepare('INSERT OR IGNORE INTO run_tags(run_rid, tag) VALUES (?, ?)').run(rid, t)));
      } catch (err) {
        lost.push(`${where}: tags (${errText(err)})`);
      }
      scan(
        (after) => src.prepare('SELECT * FROM events WHERE run_rid = ? AND id > ? ORDER BY id LIMIT ?').all(r.rid, after, BATCH) as Record<string, unknown>[],
        (e) => e['id'] as number,
        (events) =>
          core.write('salvaging events', () => {
            const ins = dst!.prepare('INSERT INTO events(run_rid, at, kind, step, epoch, message, data_json) VALUES (?, ?, ?, ?, ?, ?, ?)');
            for (const e of events) ins.run(rid, e['at'], e['kind'], e['step'], e['epoch'], e['message'], e['data_json']);
            counts.events += events.length;
          }),
        (after, resumed, err) => lost.push(`${where}: events after #${after}${resumed === null ? '' : ` up to #${resumed}`} (${errText(err)})`),
      );
      if (landed.note) {
        core.write('salvaging events', () =>
          dst!.prepare('INSERT INTO events(run_rid, at, kind, step, epoch, message, data_json) VALUES (?, ?, ?, NULL, NULL, ?, NULL)').run(rid, Date.now(), 'info', landed.note!.replace('Imported', 'Salvaged').replace('exported from', 'salvaged from')),
        );
      }
      // points, key by key, in step order
      const keyIds = tryRead(() => src.prepare('SELECT DISTINCT key_id FROM metric_latest WHERE run_rid = ?').pluck().all(r.rid) as number[]);
      const keys = keyIds && keyIds.length > 0 ? keyIds : [...keyNames.keys()];
      for (const oldKey of keys) {
        const name = keyNames.get(oldKey) ?? `key#${oldKey}`;
        const newKey = core.write('salvaging metric keys', () => core.keyId(name));
        scan(
          (after) =>
            src
              .prepare('SELECT step, epoch, wall_ms, value, vkind FROM metric_points WHERE run_rid = ? AND key_id = ? AND step > ? ORDER BY step LIMIT ?')
              .raw(true)
              .all(r.rid, oldKey, after, BATCH) as [number, number | null, number | null, number | null, number][],
          (p) => p[0],
          (points) =>
            core.write('salvaging metric points', () => {
              for (const [step, epoch, wall, value, vkind] of points) insertPoint.run(rid, newKey, step, epoch, wall, value, vkind);
              counts.points += points.length;
            }),
          (after, resumed, err) => lost.push(`${where}: ${name} after step ${after}${resumed === null ? ' (the rest)' : ` up to step ${resumed}`} (${errText(err)})`),
        );
      }
      core.write('rebuilding summaries', () => rebuildSummaries(core, rid));
      // checkpoint rows whose files exist travel with their files
      try {
        const ckpts = src.prepare('SELECT step, epoch, file, size_bytes, sha256, created_at FROM checkpoints WHERE run_rid = ? ORDER BY step').all(r.rid) as {
          step: number; epoch: number | null; file: string; size_bytes: number; sha256: string; created_at: number;
        }[];
        const dir = join(srcCkptDir, r.id);
        const present = existsSync(dir) ? new Set(readdirSync(dir)) : new Set<string>();
        for (const c of ckpts) {
          if (!present.has(c.file)) continue;
          mkdirSync(join(`${to}.checkpoints`, r.id), { recursive: true });
          copyFileSync(join(dir, c.file), join(`${to}.checkpoints`, r.id, c.file));
          core.write('salvaging checkpoints', () =>
            dst!.prepare('INSERT INTO checkpoints(run_rid, step, epoch, file, size_bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(rid, c.step, c.epoch, c.file, c.size_bytes, c.sha256, c.created_at),
          );
          counts.checkpointFiles++;
        }
      } catch (err) {
        lost.push(`${where}: checkpoint records (${errText(err)}); the run resumes from step 0`);
      }
    }

    try {
      const figures = src.prepare('SELECT id, name, spec_json, created_at, updated_at FROM figures').all() as Record<string, unknown>[];
      core.write('salvaging figures', () => {
        for (const f of figures) dst!.prepare('INSERT INTO figures(id, name, spec_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(f['id'], f['name'], f['spec_json'], f['created_at'], f['updated_at']);
      });
      counts.figures = figures.length;
    } catch (err) {
      lost.push(`saved figures (${errText(err)})`);
    }
    const check = quickCheck(dst);
    return { from, to, ...counts, lost, check };
  } finally {
    src.close();
    dst?.close();
  }
}

/** Default name of a salvaged copy: beside the original, stamped with the time. */
export function salvagePath(file: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `${file.replace(/\.sqlite$/, '')}.salvaged-${stamp}.sqlite`;
}
