/**
 * RunStore: the one object the host, the CLI and tests use. It opens (and migrates) a store
 * file, marks runs of dead processes interrupted, and delegates to the repositories.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname as osHostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Checkpoint } from '../engine/experiments/types';
import { type Bundle, type ImportOptions, type ImportResult, MAX_BUNDLE_BYTES, exportCsv, exportRuns, importBundle } from './bundle';
import { latestCheckpoint, listCheckpoints, removeCheckpointDir, saveCheckpoint } from './checkpoints';
import { openConnection, openReadOnlyConnection } from './connection';
import { type FaultInjector, StoreCore } from './core';
import { StoreError, toStoreError } from './errors';
import { deleteFigure, getFigure, listFigures, saveFigure } from './figures';
import { type HostLock, type HostLockOptions, acquireHostLock, hostLockOwner } from './hostLock';
import { MetricWriter, type MetricWriterOptions } from './metricWriter';
import { rebuildSummaries } from './summarySql';
import { latestOf, listRuns } from './query';
import * as runs from './runs';
import { getSeries, groupAggregate } from './series';
import type {
  CheckpointInfo,
  FigureRow,
  GroupAggregate,
  HostLockOwner,
  NewEvent,
  NewRun,
  RunDetail,
  RunFinalStatus,
  RunFinishInfo,
  RunList,
  RunQuery,
  RunRow,
  RunStartInfo,
  Series,
  SeriesQuery,
  StoredEvent,
  TagCount,
} from './types';

export interface OpenStoreOptions {
  /** Path of better-sqlite3's native addon (the Electron build ships its own ABI build). */
  readonly nativeBinding?: string;
  /** How long a write waits for another process's write lock before failing 'locked' (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /** Folder of checkpoint files (default `<file>.checkpoints`; a temporary folder for ':memory:'). */
  readonly checkpointDir?: string;
  /** Checkpoints kept per run, newest first (default 2; Infinity keeps all). */
  readonly keepCheckpoints?: number;
  /** Mark runs of dead processes on this host interrupted when opening (default true). */
  readonly recoverInterrupted?: boolean;
  /** Clock in ms since the epoch (tests). */
  readonly now?: () => number;
  /** This machine's name as recorded with running runs (default os.hostname()). */
  readonly hostname?: string;
  /** Whether a process exists (default: signal 0). */
  readonly isProcessAlive?: (pid: number) => boolean;
  /** Test seam: called inside each write transaction just before commit; throwing rolls it back. */
  readonly faultInjector?: FaultInjector;
  /**
   * Open an existing store for reading only (list, show, info, doctor): nothing is written —
   * no migration, no marking of dead runs — so it works on a full disk and a read-only store.
   * Writes fail `unwritable`. A path that does not exist yet is opened normally (created).
   */
  readonly readOnly?: boolean;
}

/** Whether process `pid` exists on this machine (EPERM means it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class RunStore {
  private readonly core: StoreCore;
  private readonly isAlive: (pid: number) => boolean;
  private readonly keepCheckpoints: number;
  private readonly tempCheckpointDir: string | null;
  private readonly writers = new Set<MetricWriter>();
  /** Runs found `running` with a dead owner when the store was opened, now `interrupted`. */
  readonly recoveredOnOpen: readonly string[];

  constructor(path: string, options: OpenStoreOptions = {}) {
    const file = path === ':memory:' ? path : resolve(path);
    const connOpts = { busyTimeoutMs: options.busyTimeoutMs ?? 5000, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) };
    const readOnly = options.readOnly === true && file !== ':memory:' && existsSync(file);
    const ro = readOnly ? openReadOnlyConnection(file, connOpts) : null;
    const db = ro ? ro.db : openConnection(file, connOpts);
    this.readOnlyNote = ro?.note ?? null;
    let ckptDir = options.checkpointDir;
    this.tempCheckpointDir = null;
    if (!ckptDir) {
      if (file === ':memory:') {
        ckptDir = mkdtempSync(join(tmpdir(), 'lrlab-ckpt-'));
        this.tempCheckpointDir = ckptDir;
      } else {
        ckptDir = `${file}.checkpoints`;
      }
    }
    this.core = new StoreCore(
      db,
      file,
      options.now ?? Date.now,
      options.hostname ?? osHostname(),
      ckptDir,
      options.faultInjector ?? null,
    );
    if (readOnly) this.core.readOnlyReason = ro?.note ? 'the disk is full or read-only' : 'for a command that only reads';
    this.isAlive = options.isProcessAlive ?? isProcessAlive;
    this.keepCheckpoints = options.keepCheckpoints ?? 2;
    try {
      this.recoveredOnOpen = options.recoverInterrupted === false || readOnly ? [] : runs.recoverInterrupted(this.core, this.isAlive);
    } catch (err) {
      db.close();
      throw toStoreError(err, file, 'opening the store');
    }
  }

  /** Absolute path of the store file (or ':memory:'). */
  get file(): string {
    return this.core.file;
  }

  /** Flushes open metric writers and closes the connection. */
  close(): void {
    if (this.core.closed) return;
    let firstError: unknown = null;
    for (const w of [...this.writers]) {
      try {
        w.close();
      } catch (err) {
        firstError ??= err;
      }
    }
    this.writers.clear();
    this.core.closed = true;
    this.core.db.close();
    if (this.tempCheckpointDir) rmSync(this.tempCheckpointDir, { recursive: true, force: true });
    if (firstError) throw firstError;
  }

  /**
   * Changes whenever anything is committed to the file, by this connection or any other process
   * (PRAGMA data_version counts other connections' commits; a local counter counts ours). Cheap
   * enough to poll every 250 ms.
   */
  dataVersion(): number {
    this.core.assertOpen();
    return (this.core.db.pragma('data_version', { simple: true }) as number) + this.core.localWrites * 2 ** 32;
  }

  /** Set when a read-only open had to read the file into memory (full or read-only disk): why. */
  readonly readOnlyNote: string | null;

  /** Whether this store was opened read-only (see OpenStoreOptions.readOnly). */
  get readOnly(): boolean {
    return this.core.readOnlyReason !== null;
  }

  /**
   * Runs the integrity check that guards writes now (PRAGMA quick_check, once per process) and
   * throws StoreError('corrupt'), pointing at `lrlab doctor`, when the file is damaged.
   */
  checkSound(): void {
    this.core.read('checking integrity', () => this.core.checkSound());
  }

  /** Runs `PRAGMA integrity_check`; ['ok'] when the file is sound. */
  integrityCheck(): string[] {
    return this.core.read('checking integrity', () => this.core.db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
  }

  // ── runs ──────────────────────────────────────────────────────────────

  createRun(input: NewRun): RunRow {
    this.core.assertOpen();
    return runs.createRun(this.core, input);
  }

  getRun(id: string): RunDetail {
    return this.core.read('reading a run', () => {
      const r = runs.getRunRow(this.core, id);
      const rid = this.core.rid(id);
      return {
        ...r,
        spec: JSON.parse(r.specJson) as unknown,
        events: runs.listEvents(this.core, rid),
        checkpoints: listCheckpoints(this.core, id, rid),
        metrics: (latestOf(this.core, [rid]).get(rid) ?? []).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      };
    });
  }

  listRuns(query: RunQuery = {}): RunList {
    this.core.assertOpen();
    return listRuns(this.core, query);
  }

  /** queued (or interrupted/stopped, as a resume) → running; records pid, host, backend, versions. */
  markRunning(id: string, info: RunStartInfo = {}): RunRow {
    return runs.markRunning(this.core, id, info);
  }

  /** running → a final status (queued → stopped/failed cancels); stores the summary and error. */
  finishRun(id: string, status: RunFinalStatus, info: RunFinishInfo = {}): RunRow {
    return runs.finishRun(this.core, id, status, info);
  }

  /** interrupted|stopped → queued; with fromStep, later points are dropped (resume from a checkpoint). */
  requeueRun(id: string, opts: { fromStep?: number } = {}): RunRow {
    return runs.requeueRun(this.core, id, opts);
  }

  /** Marks runs of dead processes on this host interrupted (also done on open). Returns their ids. */
  recoverInterrupted(): string[] {
    return runs.recoverInterrupted(this.core, this.isAlive);
  }

  renameRun(id: string, name: string): RunRow {
    return runs.renameRun(this.core, id, name);
  }

  setNotes(id: string, notes: string): RunRow {
    return runs.setNotes(this.core, id, notes);
  }

  addTags(id: string, tags: readonly string[]): RunRow {
    return runs.addTags(this.core, id, tags);
  }

  removeTags(id: string, tags: readonly string[]): RunRow {
    return runs.removeTags(this.core, id, tags);
  }

  listTags(): TagCount[] {
    return this.core.read('listing tags', () => runs.listTags(this.core));
  }

  /** Soft delete: hidden from lists until restored. */
  deleteRun(id: string): RunRow {
    return runs.setDeleted(this.core, id, true);
  }

  restoreRun(id: string): RunRow {
    return runs.setDeleted(this.core, id, false);
  }

  /** Hard delete: the run, its points, events, tags, checkpoint rows and checkpoint files. */
  async purgeRun(id: string): Promise<void> {
    if ([...this.writers].some((w) => w.runId === id)) {
      throw new StoreError('invalid_argument', `Run ${id} still has an open metric writer; close it first.`, this.file);
    }
    this.core.write('deleting a run permanently', () => {
      this.core.stmt('DELETE FROM runs WHERE rid = ?').run(this.core.rid(id));
    });
    await removeCheckpointDir(this.core, id);
  }

  addEvent(id: string, event: NewEvent): void {
    runs.addEvent(this.core, id, event);
  }

  listEvents(id: string): StoredEvent[] {
    return this.core.read('reading events', () => runs.listEvents(this.core, this.core.rid(id)));
  }

  // ── metrics ───────────────────────────────────────────────────────────

  /** A buffered writer of the run's points; close it (or the store) to flush the rest. */
  metricWriter(id: string, options: MetricWriterOptions = {}): MetricWriter {
    this.core.assertOpen();
    const rid = this.core.read('opening a metric writer', () => this.core.rid(id));
    const w = new MetricWriter(this.core, id, rid, options, (closed) => this.writers.delete(closed));
    this.writers.add(w);
    return w;
  }

  /** Deletes the run's points after `afterStep` and rebuilds its summaries. */
  truncateMetrics(id: string, afterStep: number): void {
    this.core.write('truncating metric points', () => {
      const rid = this.core.rid(id);
      this.core.stmt('DELETE FROM metric_points WHERE run_rid = ? AND step > ?').run(rid, afterStep);
      rebuildSummaries(this.core, rid);
    });
  }

  /**
   * The largest wall time (ms) recorded for the run at or before `step`, or 0: where a resumed
   * run's clock continues from.
   */
  wallMsAt(id: string, step: number): number {
    return this.core.read('reading wall times', () => {
      const v = this.core
        .stmt('SELECT max(wall_ms) FROM metric_points WHERE run_rid = ? AND step <= ?')
        .pluck()
        .get(this.core.rid(id), step) as number | null;
      return v ?? 0;
    });
  }

  getSeries(query: SeriesQuery): Series[] {
    return getSeries(this.core, query);
  }

  /** Per-step mean, std, min, max and n of `key` over a seed group (or explicit runs). */
  groupAggregate(target: { groupId: string } | { runIds: readonly string[] }, key: string, maxPoints?: number): GroupAggregate {
    const ids =
      'groupId' in target
        ? (this.core
            .stmt('SELECT id FROM runs WHERE group_id = ? AND deleted_at IS NULL ORDER BY created_at, rid')
            .pluck()
            .all(target.groupId) as string[])
        : target.runIds;
    return groupAggregate(this.core, ids, key, maxPoints);
  }

  // ── checkpoints ───────────────────────────────────────────────────────

  /** Writes the checkpoint file atomically, then its row; keeps the newest `keepCheckpoints`. */
  saveCheckpoint(id: string, checkpoint: Checkpoint): Promise<CheckpointInfo> {
    return saveCheckpoint(this.core, id, checkpoint, this.keepCheckpoints);
  }

  /** The newest checkpoint with its bytes, verified, or null. */
  latestCheckpoint(id: string): Promise<Checkpoint | null> {
    return latestCheckpoint(this.core, id);
  }

  // ── figures ───────────────────────────────────────────────────────────

  saveFigure(input: { id?: string; name: string; spec: unknown }): FigureRow {
    return saveFigure(this.core, input);
  }

  getFigure(id: string): FigureRow {
    return this.core.read('reading a figure', () => getFigure(this.core, id));
  }

  listFigures(): FigureRow[] {
    return this.core.read('listing figures', () => listFigures(this.core));
  }

  deleteFigure(id: string): void {
    deleteFigure(this.core, id);
  }

  // ── queue ownership ───────────────────────────────────────────────────

  /**
   * Takes the queue lock for `ownerId`, or throws StoreError('locked') naming the current owner.
   * `ownerId` must be unique per process (e.g. `gui-<pid>`): the same id re-acquires at once.
   */
  acquireHostLock(ownerId: string, options: HostLockOptions = {}): HostLock {
    return acquireHostLock(this.core, ownerId, this.isAlive, options);
  }

  hostLockOwner(): HostLockOwner | null {
    return this.core.read('reading the queue lock', () => hostLockOwner(this.core));
  }

  // ── export / import ───────────────────────────────────────────────────

  exportRuns(ids: readonly string[]): Bundle {
    return exportRuns(this.core, ids);
  }

  exportCsv(ids: readonly string[], keys?: readonly string[]): string {
    return exportCsv(this.core, ids, keys);
  }

  /** Writes `exportRuns(ids)` as JSON to `path` atomically (temporary file, fsync, rename). */
  async exportBundleFile(ids: readonly string[], path: string): Promise<void> {
    const text = JSON.stringify(this.exportRuns(ids));
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw toStoreError(err, path, 'writing a bundle');
    }
  }

  /** Reads a bundle file and imports it (see importBundle); errors name the file. */
  async importBundleFile(path: string, options: Omit<ImportOptions, 'source'> = {}): Promise<ImportResult> {
    let text: string;
    try {
      const st = await stat(path);
      if (!st.isFile()) throw new Error('it is not a regular file');
      if (st.size > MAX_BUNDLE_BYTES) throw new Error(`it has ${st.size} bytes, more than a bundle's limit of ${MAX_BUNDLE_BYTES}`);
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new StoreError(
        'not_found',
        `Cannot read the bundle ${path} (${(err as Error).message}). Check the file name. Nothing was imported.`,
        path,
        { cause: err },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new StoreError(
        'invalid_bundle',
        `${path} is not JSON (${(err as Error).message}), so it is not an LR Lab bundle. Nothing was imported into ${this.file}.`,
        path,
        { cause: err },
      );
    }
    return this.importBundle(parsed, { ...options, source: path });
  }

  /** Validates, then imports all runs in one transaction (or none). Refuses existing ids unless overwrite. */
  async importBundle(bundle: unknown, options: ImportOptions = {}): Promise<ImportResult> {
    const { result, removedCheckpointDirs } = importBundle(this.core, bundle, options);
    await Promise.all(removedCheckpointDirs.map((id) => removeCheckpointDir(this.core, id)));
    return result;
  }
}

/** Opens (creating and migrating if needed) the store at `path`; ':memory:' for a private one. */
export function openStore(path: string, options: OpenStoreOptions = {}): RunStore {
  return new RunStore(path, options);
}
