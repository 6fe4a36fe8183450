/**
 * Export/import of runs as a self-contained JSON bundle (every column of every row, all metric
 * points column-wise, NaN/±Infinity/-0 written as strings since JSON has none), and points as CSV.
 * Imports are validated in full (zod shape, each spec with the injected validator, duplicate ids)
 * before one transaction writes them all, so an import lands completely or not at all.
 * Checkpoint files do not travel: their metadata is exported for the record, not imported.
 */
import { z } from 'zod';
import type { StoreCore } from './core';
import { StoreError } from './errors';
import { nestingDepth } from './json';
import { emptyColumns, insertPoints } from './points';
import { summarize } from './summaries';
import { writeSummaries } from './summarySql';
import { type DbEvent, type DbRun, type RunRecord, insertRunRecord, recordOf, tagsOf } from './rows';
import { RUN_ID_PATTERN, getDbRun } from './runs';
import { type JsonNumber, decodeValue, fromJsonNumber, toJsonNumber } from './values';
import { RUN_STATUSES, type SpecValidator } from './types';

export const BUNDLE_FORMAT = 'lrlab-bundle';
/** Version of the bundle layout this code writes and the newest it reads. */
export const BUNDLE_SCHEMA_VERSION = 1;
/** Bundle files larger than this are refused before they are read (the api's import limit too). */
export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;
/** A bundle is 5 levels deep; a JSON column inside it (spec, summary, event data) at most this. */
export const MAX_BUNDLE_DEPTH = 32;

const JsonNumberSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity', '-0'])]);
const int = z.number().int();

const BundleRunSchema = z.object({
  id: z.string().regex(RUN_ID_PATTERN),
  name: z.string(),
  kind: z.string(),
  algorithm: z.string().nullable(),
  preset: z.string().nullable(),
  groupId: z.string().nullable(),
  seed: int.nullable(),
  specJson: z.string(),
  specHash: z.string(),
  status: z.enum(RUN_STATUSES),
  createdAt: int,
  startedAt: int.nullable(),
  endedAt: int.nullable(),
  updatedAt: int,
  deletedAt: int.nullable(),
  backend: z.string().nullable(),
  versionsJson: z.string().nullable(),
  appVersion: z.string().nullable(),
  gitCommit: z.string().nullable(),
  host: z.string().nullable(),
  pid: int.nullable(),
  error: z.string().nullable(),
  notes: z.string(),
  steps: int.nullable(),
  epochs: int.nullable(),
  annealStep: int.nullable(),
  stopReason: z.string().nullable(),
  wallS: JsonNumberSchema.nullable(),
  summaryJson: z.string().nullable(),
});

const BundleSeriesSchema = z
  .object({
    key: z.string().min(1),
    steps: z.array(int),
    epochs: z.array(int.nullable()),
    wallTimes: z.array(JsonNumberSchema.nullable()),
    values: z.array(JsonNumberSchema),
  })
  .refine(
    (s) => s.epochs.length === s.steps.length && s.wallTimes.length === s.steps.length && s.values.length === s.steps.length,
    { message: 'steps, epochs, wallTimes and values must have the same length' },
  )
  .refine((s) => s.steps.every((v, i) => i === 0 || v > (s.steps[i - 1] as number)), {
    message: 'steps must be strictly increasing',
  });

const BundleEntrySchema = z.object({
  run: BundleRunSchema,
  tags: z.array(z.string().min(1).max(100)),
  events: z.array(
    z.object({
      at: int,
      kind: z.string(),
      step: int.nullable(),
      epoch: int.nullable(),
      message: z.string(),
      dataJson: z.string().nullable(),
    }),
  ),
  checkpoints: z.array(
    z.object({ step: int, epoch: int.nullable(), sizeBytes: int, sha256: z.string(), createdAt: int }),
  ),
  metrics: z.array(BundleSeriesSchema),
});

export const BundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  schemaVersion: int.min(1),
  exportedAt: z.string(),
  runs: z.array(BundleEntrySchema),
});

export type Bundle = z.infer<typeof BundleSchema>;

/** A bundle's run is the store's run record (storage/rows.ts), with wallS as a JSON number: checked here. */
type BundleRun = z.infer<typeof BundleRunSchema>;
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
const bundleRunIsRecord: SameKeys<BundleRun, RunRecord> = true;
void bundleRunIsRecord;
export type BundleEntry = z.infer<typeof BundleEntrySchema>;

/** A run's points as raw rows [key, step, epoch, wall ms, value, vkind], by key then step. */
function pointRows(core: StoreCore, rid: number): [string, number, number | null, number | null, number | null, number][] {
  return core
    .stmt(
      `SELECT k.key, p.step, p.epoch, p.wall_ms, p.value, p.vkind FROM metric_points p
       JOIN metric_keys k ON k.id = p.key_id WHERE p.run_rid = ? ORDER BY k.key, p.step`,
    )
    .raw(true)
    .all(rid) as [string, number, number | null, number | null, number | null, number][];
}

function exportEntry(core: StoreCore, r: DbRun): BundleEntry {
  const events = core.stmt('SELECT * FROM events WHERE run_rid = ? ORDER BY id').all(r.rid) as DbEvent[];
  const checkpoints = core
    .stmt('SELECT step, epoch, size_bytes, sha256, created_at FROM checkpoints WHERE run_rid = ? ORDER BY step')
    .all(r.rid) as { step: number; epoch: number | null; size_bytes: number; sha256: string; created_at: number }[];
  const rows = pointRows(core, r.rid);
  const metrics: BundleEntry['metrics'] = [];
  let cur: BundleEntry['metrics'][number] | undefined;
  for (const [key, step, epoch, wall, value, vkind] of rows) {
    if (!cur || cur.key !== key) {
      cur = { key, steps: [], epochs: [], wallTimes: [], values: [] };
      metrics.push(cur);
    }
    cur.steps.push(step);
    cur.epochs.push(epoch);
    cur.wallTimes.push(wall === null ? null : toJsonNumber(wall));
    cur.values.push(toJsonNumber(decodeValue(value, vkind)));
  }
  const record = recordOf(r);
  return {
    run: { ...record, wallS: record.wallS === null ? null : toJsonNumber(record.wallS) },
    tags: tagsOf(core, [r.rid]).get(r.rid) ?? [],
    events: events.map((e) => ({
      at: e.at,
      kind: e.kind,
      step: e.step,
      epoch: e.epoch,
      message: e.message,
      dataJson: e.data_json,
    })),
    checkpoints: checkpoints.map((c) => ({
      step: c.step,
      epoch: c.epoch,
      sizeBytes: c.size_bytes,
      sha256: c.sha256,
      createdAt: c.created_at,
    })),
    metrics,
  };
}

export function exportRuns(core: StoreCore, ids: readonly string[]): Bundle {
  return core.read('exporting runs', () => ({
    format: BUNDLE_FORMAT,
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    exportedAt: new Date(core.now()).toISOString(),
    runs: ids.map((id) => exportEntry(core, getDbRun(core, id))),
  }));
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** JavaScript's shortest round-trip decimal, with NaN, Infinity, -Infinity and -0 spelled out. */
function csvNumber(v: number): string {
  return v === 0 && 1 / v < 0 ? '-0' : String(v);
}

/** Long-format CSV of every point of the runs (optionally only some keys). */
export function exportCsv(core: StoreCore, ids: readonly string[], keys?: readonly string[]): string {
  return core.read('exporting CSV', () => {
    const lines = ['run_id,run_name,key,step,epoch,wall_time_ms,value'];
    const keyFilter = keys ? new Set(keys) : null;
    for (const id of ids) {
      const r = getDbRun(core, id);
      const rows = pointRows(core, r.rid);
      const prefix = `${csvField(r.id)},${csvField(r.name)},`;
      for (const [key, step, epoch, wall, value, vkind] of rows) {
        if (keyFilter && !keyFilter.has(key)) continue;
        lines.push(
          `${prefix}${csvField(key)},${step},${epoch ?? ''},${wall === null ? '' : csvNumber(wall)},${csvNumber(decodeValue(value, vkind))}`,
        );
      }
    }
    return lines.join('\n') + '\n';
  });
}

export interface ImportOptions {
  /** Replace runs whose id already exists (default false: refuse the whole import). */
  readonly overwrite?: boolean;
  /** Checks each run's spec; storage does not know the engine's schema. */
  readonly validateSpec?: SpecValidator;
  /** Where the bundle came from (a file name), for messages. */
  readonly source?: string;
}

export interface ImportResult {
  readonly imported: readonly string[];
  /** Ids that existed and were replaced (only with overwrite). */
  readonly replaced: readonly string[];
}

function describeProblems(problems: readonly unknown[]): string {
  return problems
    .slice(0, 5)
    .map((p) => {
      if (typeof p === 'object' && p !== null && 'message' in p) {
        const path = 'path' in p && typeof p.path === 'string' && p.path ? `${p.path}: ` : '';
        return `${path}${String((p as { message: unknown }).message)}`;
      }
      return String(p);
    })
    .join('; ');
}

/** Validates a bundle completely, then imports it in one transaction. Returns what was written. */
export function importBundle(
  core: StoreCore,
  input: unknown,
  opts: ImportOptions,
): { result: ImportResult; removedCheckpointDirs: string[] } {
  const source = opts.source ?? 'the bundle';
  const file = opts.source ?? core.file;
  const head = (typeof input === 'object' && input !== null ? input : {}) as { format?: unknown; schemaVersion?: unknown };
  if (head.format !== BUNDLE_FORMAT) {
    throw new StoreError(
      'invalid_bundle',
      `${source} is not an LR Lab bundle (format is ${JSON.stringify(head.format)}, expected "${BUNDLE_FORMAT}"). ` +
        `Nothing was imported into ${core.file}.`,
      file,
    );
  }
  if (typeof head.schemaVersion === 'number' && head.schemaVersion > BUNDLE_SCHEMA_VERSION) {
    throw new StoreError(
      'newer_schema',
      `${source} was exported by a newer LR Lab (bundle schema v${head.schemaVersion}; this version reads up to ` +
        `v${BUNDLE_SCHEMA_VERSION}). Update LR Lab to import it. Nothing was imported into ${core.file}.`,
      file,
    );
  }
  if (nestingDepth(input, MAX_BUNDLE_DEPTH) > MAX_BUNDLE_DEPTH) {
    throw new StoreError(
      'invalid_bundle',
      `${source} is not a valid LR Lab bundle (it is nested deeper than ${MAX_BUNDLE_DEPTH} levels). Nothing was imported into ${core.file}.`,
      file,
    );
  }
  const parsed = BundleSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.map(String).join('.') || '(bundle)'}: ${i.message}`)
      .join('; ');
    throw new StoreError(
      'invalid_bundle',
      `${source} is not a valid LR Lab bundle (${issues}). Nothing was imported into ${core.file}; ` +
        'export the runs again from the original store.',
      file,
    );
  }
  const bundle = parsed.data;
  const badJson = jsonColumnProblems(bundle);
  if (badJson.length > 0) {
    throw new StoreError(
      'invalid_bundle',
      `${source} is not a valid LR Lab bundle (${badJson.slice(0, 5).join('; ')}). Nothing was imported into ${core.file}.`,
      file,
    );
  }
  const ids = bundle.runs.map((e) => e.run.id);
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) {
      throw new StoreError('invalid_bundle', `${source} holds run ${id} twice. Nothing was imported.`, file);
    }
    seen.add(id);
  }
  const badSpecs: string[] = [];
  for (const e of bundle.runs) {
    let spec: unknown;
    try {
      spec = JSON.parse(e.run.specJson);
    } catch (err) {
      badSpecs.push(`run ${e.run.id}: spec is not JSON (${(err as Error).message})`);
      continue;
    }
    const check = opts.validateSpec?.(spec);
    if (check && !check.ok) badSpecs.push(`run ${e.run.id}: ${describeProblems(check.problems)}`);
  }
  if (badSpecs.length > 0) {
    throw new StoreError(
      'invalid_spec',
      `${source} has ${badSpecs.length} run spec${badSpecs.length === 1 ? '' : 's'} this LR Lab cannot run ` +
        `(${badSpecs.slice(0, 5).join(' | ')}). Nothing was imported into ${core.file}; fix the specs or ` +
        'import with a matching LR Lab version.',
      file,
    );
  }
  const replaced: string[] = [];
  core.write(`importing ${source}`, () => {
    const existing = ids.filter((id) => core.stmt('SELECT 1 FROM runs WHERE id = ?').pluck().get(id) !== undefined);
    if (existing.length > 0 && !opts.overwrite) {
      throw new StoreError(
        'duplicate',
        `${source} holds ${existing.length} run${existing.length === 1 ? '' : 's'} already in ${core.file} ` +
          `(${existing.slice(0, 5).join(', ')}${existing.length > 5 ? ', …' : ''}). Nothing was imported; ` +
          'delete those runs first, or import again choosing to overwrite them.',
        core.file,
      );
    }
    for (const id of existing) {
      core.stmt('DELETE FROM runs WHERE id = ?').run(id);
      replaced.push(id);
    }
    for (const e of bundle.runs) importEntry(core, e);
  });
  return { result: { imported: ids, replaced }, removedCheckpointDirs: replaced };
}

/** The JSON text columns (spec, versions, summary, event data): JSON, and bounded in depth. */
function jsonColumnProblems(bundle: Bundle): string[] {
  const problems: string[] = [];
  const check = (id: string, what: string, text: string | null) => {
    if (text === null) return;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      problems.push(`run ${id}: ${what} is not JSON`);
      return;
    }
    if (nestingDepth(v, MAX_BUNDLE_DEPTH) > MAX_BUNDLE_DEPTH) problems.push(`run ${id}: ${what} is nested deeper than ${MAX_BUNDLE_DEPTH} levels`);
  };
  for (const e of bundle.runs) {
    check(e.run.id, 'specJson', e.run.specJson);
    check(e.run.id, 'versionsJson', e.run.versionsJson);
    check(e.run.id, 'summaryJson', e.run.summaryJson);
    e.events.forEach((x, i) => check(e.run.id, `events[${i}].dataJson`, x.dataJson));
  }
  return problems;
}

/**
 * What an imported run becomes. A run `queued` or `running` where it was exported is not
 * queued or running here: no queue of this store owns it, and no process of this machine trains
 * it. Left as it was, a queued one would be trained by the queue from step 0 over its imported
 * points, and a running one would stay `running` for ever. So a queued run comes in `stopped`
 * and a running one `interrupted` (both resumable), each with an event saying so.
 */
export function importedStatus(status: Bundle['runs'][number]['run']['status']): { status: typeof status; note: string | null } {
  if (status === 'queued') return { status: 'stopped', note: 'Imported as stopped: it was queued in the store it was exported from.' };
  if (status === 'running') return { status: 'interrupted', note: 'Imported as interrupted: it was running in the store it was exported from.' };
  return { status, note: null };
}

function importEntry(core: StoreCore, e: BundleEntry): void {
  const r = e.run;
  const landed = importedStatus(r.status);
  const live = landed.note !== null;
  const rid = insertRunRecord(core, {
    ...r,
    status: landed.status,
    endedAt: live ? (r.endedAt ?? r.updatedAt) : r.endedAt,
    host: live ? null : r.host, // no process here owns it: nothing must take it for a live run
    pid: live ? null : r.pid,
    wallS: r.wallS === null ? null : fromJsonNumber(r.wallS),
  });
  const tag = core.stmt('INSERT OR IGNORE INTO run_tags(run_rid, tag) VALUES (?, ?)');
  for (const t of e.tags) tag.run(rid, t);
  const ev = core.stmt(
    'INSERT INTO events(run_rid, at, kind, step, epoch, message, data_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const x of e.events) ev.run(rid, x.at, x.kind, x.step, x.epoch, x.message, x.dataJson);
  if (landed.note) ev.run(rid, core.now(), 'info', r.steps, r.epochs, landed.note, null);
  const cols = emptyColumns();
  for (const s of e.metrics) {
    const keyId = core.keyId(s.key);
    for (let i = 0; i < s.steps.length; i++) {
      cols.keyIds.push(keyId);
      cols.steps.push(s.steps[i] as number);
      cols.epochs.push(s.epochs[i] ?? null);
      const w = s.wallTimes[i];
      cols.walls.push(w === null || w === undefined ? null : fromJsonNumber(w as JsonNumber));
      cols.values.push(fromJsonNumber(s.values[i] as JsonNumber));
    }
  }
  insertPoints(core, rid, cols);
  writeSummaries(core, rid, summarize(cols, () => 0).results());
}
