/**
 * Runs: creation, the status lifecycle with guarded transitions, tags/notes/names, events,
 * soft and hard deletes, and recovery of runs whose process died.
 *
 *   queued → running → completed | failed | diverged | stopped | interrupted
 *   interrupted | stopped → queued (requeue) or → running (resume)
 *   queued → stopped | failed (cancelled before it started)
 */
import { randomUUID } from 'node:crypto';
import type { StoreCore } from './core';
import { StoreError } from './errors';
import { toJsonText } from './json';
import { rebuildSummaries } from './summarySql';
import { type DbEvent, type DbRun, insertRunRecord, tagsOf, toRunRow, toStoredEvent } from './rows';
import type {
  NewEvent,
  NewRun,
  RunFinalStatus,
  RunFinishInfo,
  RunRow,
  RunStartInfo,
  RunStatus,
  StoredEvent,
  TagCount,
} from './types';

/** Ids name checkpoint folders, so they are kept file-name safe. */
/**
 * Run (and figure) ids: the api's rule (electron/api/schemas.ts RunIdSchema), so every id the
 * store accepts — created, imported or saved — can be shown, deleted and exported by every door.
 */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const RUN_ID_RULE = "1–64 letters, digits, '_' or '-'";

const ALLOWED_FROM: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['interrupted', 'stopped'],
  running: ['queued', 'interrupted', 'stopped'],
  completed: ['running'],
  diverged: ['running'],
  interrupted: ['running'],
  stopped: ['running', 'queued'],
  failed: ['running', 'queued'],
};

export function checkRunId(id: string, file: string): void {
  if (!RUN_ID_PATTERN.test(id)) {
    throw new StoreError(
      'invalid_argument',
      `Run id ${JSON.stringify(id)} is not allowed in ${file}: use ${RUN_ID_RULE}.`,
      file,
    );
  }
}

function cleanTags(tags: readonly string[], file: string): string[] {
  const out = new Set<string>();
  for (const t of tags) {
    const tag = t.trim();
    if (tag.length === 0 || tag.length > 100) {
      throw new StoreError('invalid_argument', `Tag ${JSON.stringify(t)} must have 1–100 characters.`, file);
    }
    out.add(tag);
  }
  return [...out];
}

export function getDbRun(core: StoreCore, id: string): DbRun {
  const row = core.stmt('SELECT * FROM runs WHERE id = ?').get(id) as DbRun | undefined;
  if (!row) throw new StoreError('not_found', `No run with id ${id} in ${core.file}.`, core.file);
  return row;
}

export function getRunRow(core: StoreCore, id: string): RunRow {
  const r = getDbRun(core, id);
  return toRunRow(r, tagsOf(core, [r.rid]).get(r.rid) ?? []);
}

export function insertEvent(core: StoreCore, rid: number, e: NewEvent): void {
  core
    .stmt('INSERT INTO events(run_rid, at, kind, step, epoch, message, data_json) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(rid, core.now(), e.kind, e.step ?? null, e.epoch ?? null, e.message, e.data ? toJsonText(e.data) : null);
}

export function createRun(core: StoreCore, input: NewRun): RunRow {
  const id = input.id ?? randomUUID();
  checkRunId(id, core.file);
  const specJson = JSON.stringify(input.spec);
  if (specJson === undefined) {
    throw new StoreError('invalid_argument', `The spec of run ${id} is not JSON-serializable.`, core.file);
  }
  const tags = cleanTags(input.tags ?? [], core.file);
  core.write('creating a run', () => {
    const exists = core.stmt('SELECT 1 FROM runs WHERE id = ?').pluck().get(id);
    if (exists) throw new StoreError('duplicate', `A run with id ${id} already exists in ${core.file}.`, core.file);
    const now = core.now();
    const rid = insertRunRecord(core, {
      id,
      name: input.name,
      kind: input.kind,
      algorithm: input.algorithm ?? null,
      preset: input.preset ?? null,
      groupId: input.groupId ?? null,
      seed: input.seed ?? null,
      specJson,
      specHash: input.specHash,
      status: 'queued',
      createdAt: now,
      startedAt: null,
      endedAt: null,
      updatedAt: now,
      deletedAt: null,
      backend: null,
      versionsJson: null,
      appVersion: input.appVersion ?? null,
      gitCommit: input.gitCommit ?? null,
      host: null,
      pid: null,
      error: null,
      notes: input.notes ?? '',
      steps: null,
      epochs: null,
      annealStep: null,
      stopReason: null,
      wallS: null,
      summaryJson: null,
    });
    const addTag = core.stmt('INSERT INTO run_tags(run_rid, tag) VALUES (?, ?)');
    for (const t of tags) addTag.run(rid, t);
  });
  return getRunRow(core, id);
}

/**
 * Moves a run to `to` when its status is one `to` may follow; the check and the update happen
 * in one transaction, so two processes cannot both start the same queued run.
 */
function transition(
  core: StoreCore,
  id: string,
  to: RunStatus,
  allowed: readonly RunStatus[],
  action: string,
  apply: (r: DbRun, now: number) => void,
): RunRow {
  core.write(action, () => {
    const r = getDbRun(core, id);
    if (!allowed.includes(r.status)) {
      throw new StoreError(
        'invalid_transition',
        `Run ${id} is ${r.status}; it cannot become ${to} (allowed from: ${allowed.join(', ')}).`,
        core.file,
      );
    }
    apply(r, core.now());
  });
  return getRunRow(core, id);
}

export function markRunning(core: StoreCore, id: string, info: RunStartInfo): RunRow {
  return transition(core, id, 'running', ALLOWED_FROM.running, 'starting a run', (r, now) => {
    core
      .stmt(
        `UPDATE runs SET status = 'running', started_at = coalesce(started_at, ?), ended_at = NULL, error = NULL,
           pid = ?, host = ?, backend = ?, versions_json = ?, updated_at = ? WHERE rid = ?`,
      )
      .run(
        now,
        info.pid ?? process.pid,
        info.host ?? core.hostname,
        info.backend ?? null,
        info.versions ? JSON.stringify(info.versions) : null,
        now,
        r.rid,
      );
    if (r.status !== 'queued') {
      insertEvent(core, r.rid, { kind: 'resume', message: `Resumed (was ${r.status})` });
    }
  });
}

export function finishRun(core: StoreCore, id: string, status: RunFinalStatus, info: RunFinishInfo = {}): RunRow {
  return transition(core, id, status, ALLOWED_FROM[status], `ending a run as ${status}`, (r, now) => {
    const s = info.summary ?? null;
    core
      .stmt(
        `UPDATE runs SET status = ?, ended_at = ?, updated_at = ?, error = ?,
           steps = coalesce(?, steps), epochs = coalesce(?, epochs), anneal_step = coalesce(?, anneal_step),
           stop_reason = coalesce(?, stop_reason), wall_s = coalesce(?, wall_s),
           summary_json = coalesce(?, summary_json)
         WHERE rid = ?`,
      )
      .run(
        status,
        now,
        now,
        info.error ?? null,
        s?.steps ?? null,
        s?.epochs ?? null,
        s?.annealStep ?? null,
        s?.stopReason ?? null,
        s?.wallS ?? null,
        s ? toJsonText(s) : null,
        r.rid,
      );
    if (info.error) insertEvent(core, r.rid, { kind: 'error', message: info.error });
  });
}

/**
 * Puts an interrupted or stopped run back in the queue. With `fromStep`, points after that step
 * are deleted (the resumed run logs them again from its checkpoint) and summaries rebuilt.
 */
export function requeueRun(core: StoreCore, id: string, opts: { fromStep?: number } = {}): RunRow {
  return transition(core, id, 'queued', ALLOWED_FROM.queued, 'requeueing a run', (r, now) => {
    core
      .stmt(`UPDATE runs SET status = 'queued', ended_at = NULL, error = NULL, updated_at = ? WHERE rid = ?`)
      .run(now, r.rid);
    if (opts.fromStep !== undefined) {
      core.stmt('DELETE FROM metric_points WHERE run_rid = ? AND step > ?').run(r.rid, opts.fromStep);
      rebuildSummaries(core, r.rid);
    }
    insertEvent(core, r.rid, {
      kind: 'resume',
      step: opts.fromStep ?? null,
      message: opts.fromStep === undefined ? `Requeued (was ${r.status})` : `Requeued from step ${opts.fromStep} (was ${r.status})`,
    });
  });
}

/**
 * Runs left `running` by a process on this host that no longer exists become `interrupted`, with
 * their end time and an event. Runs owned by other hosts are left alone (their host knows), and
 * so are runs on a Slurm cluster (the next host re-attaches them).
 */
export function recoverInterrupted(core: StoreCore, isAlive: (pid: number) => boolean): string[] {
  // A run a cluster executor trains (versions.executor = 'slurm') is not a process here: it
  // goes on when its host exits, and the next host adopts it.
  const rows = core
    .stmt(
      "SELECT rid, id, pid FROM runs WHERE status = 'running' AND host = ? AND (versions_json IS NULL OR json_extract(versions_json, '$.executor') IS NOT 'slurm')",
    )
    .all(core.hostname) as { rid: number; id: string; pid: number | null }[];
  const dead = rows.filter((r) => r.pid === null || !isAlive(r.pid));
  if (dead.length === 0) return [];
  const recovered: string[] = [];
  core.write('marking runs of dead processes interrupted', () => {
    const now = core.now();
    const upd = core.stmt(
      "UPDATE runs SET status = 'interrupted', ended_at = ?, updated_at = ? WHERE rid = ? AND status = 'running'",
    );
    for (const r of dead) {
      if (upd.run(now, now, r.rid).changes === 0) continue;
      recovered.push(r.id);
      insertEvent(core, r.rid, {
        kind: 'interrupted',
        message: `Process ${r.pid ?? '?'} on ${core.hostname} ended without finishing the run; marked interrupted when the store was opened.`,
        data: { pid: r.pid },
      });
    }
  });
  return recovered;
}

export function renameRun(core: StoreCore, id: string, name: string): RunRow {
  core.write('renaming a run', () => {
    const r = getDbRun(core, id);
    core.stmt('UPDATE runs SET name = ?, updated_at = ? WHERE rid = ?').run(name, core.now(), r.rid);
  });
  return getRunRow(core, id);
}

export function setNotes(core: StoreCore, id: string, notes: string): RunRow {
  core.write('saving notes', () => {
    const r = getDbRun(core, id);
    core.stmt('UPDATE runs SET notes = ?, updated_at = ? WHERE rid = ?').run(notes, core.now(), r.rid);
  });
  return getRunRow(core, id);
}

export function addTags(core: StoreCore, id: string, tags: readonly string[]): RunRow {
  const clean = cleanTags(tags, core.file);
  core.write('adding tags', () => {
    const r = getDbRun(core, id);
    const add = core.stmt('INSERT OR IGNORE INTO run_tags(run_rid, tag) VALUES (?, ?)');
    for (const t of clean) add.run(r.rid, t);
    core.stmt('UPDATE runs SET updated_at = ? WHERE rid = ?').run(core.now(), r.rid);
  });
  return getRunRow(core, id);
}

export function removeTags(core: StoreCore, id: string, tags: readonly string[]): RunRow {
  core.write('removing tags', () => {
    const r = getDbRun(core, id);
    const del = core.stmt('DELETE FROM run_tags WHERE run_rid = ? AND tag = ?');
    for (const t of tags) del.run(r.rid, t.trim());
    core.stmt('UPDATE runs SET updated_at = ? WHERE rid = ?').run(core.now(), r.rid);
  });
  return getRunRow(core, id);
}

/** Every tag with the number of (not deleted) runs carrying it, most used first. */
export function listTags(core: StoreCore): TagCount[] {
  return core
    .stmt(
      `SELECT t.tag AS tag, count(*) AS count FROM run_tags t JOIN runs r ON r.rid = t.run_rid
       WHERE r.deleted_at IS NULL GROUP BY t.tag ORDER BY count DESC, t.tag`,
    )
    .all() as TagCount[];
}

export function setDeleted(core: StoreCore, id: string, deleted: boolean): RunRow {
  core.write(deleted ? 'deleting a run' : 'restoring a run', () => {
    const r = getDbRun(core, id);
    const now = core.now();
    core.stmt('UPDATE runs SET deleted_at = ?, updated_at = ? WHERE rid = ?').run(deleted ? now : null, now, r.rid);
  });
  return getRunRow(core, id);
}

export function addEvent(core: StoreCore, id: string, e: NewEvent): void {
  core.write('saving an event', () => insertEvent(core, getDbRun(core, id).rid, e));
}

export function listEvents(core: StoreCore, rid: number): StoredEvent[] {
  return (core.stmt('SELECT * FROM events WHERE run_rid = ? ORDER BY id').all(rid) as DbEvent[]).map(toStoredEvent);
}
