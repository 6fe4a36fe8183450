/**
 * The run queue: queued runs live in the store (so the queue survives a restart) and start in
 * creation order, `concurrency` at a time, each in its own worker process. Only the host that
 * holds the store's queue lock starts runs, so two hosts on one file never double-start one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readStoredRunSpec, type RunSpec } from '../../../engine/spec';
import { experiments, type ExperimentRegistry } from '../../../engine/experiments/registry';
import { isResumable, RESUMABLE_RUN_STATUSES, StoreError, type HostLock, type HostLockOwner, type NewRun, type RunRow, type RunStore } from '../../../storage';
import type { HostEvents } from '../host/events';
import type { RunStatus } from '../../api/schemas';
import { HostError } from '../host/errors';
import { appFacts, gitCommit } from '../host/provenance';
import type { Execution, Executor, RunLaunch } from './executor';
import { defaultConcurrency, LocalExecutor } from './localExecutor';
import { RunRecorder } from './recorder';

export { defaultConcurrency } from './localExecutor';

export interface QueueOptions {
  readonly store: RunStore;
  readonly events: HostEvents;
  /** Parallel local runs; default 1 on a machine with ≤ 2 cores or a GPU backend, else cores / 2. */
  readonly concurrency?: number;
  /** Forced backend for every run (`--backend`); null lets each spec choose. */
  readonly backend: string | null;
  readonly log: (line: string) => void;
  /** Grace period for a cancelled run to stop by itself before it is killed. */
  readonly stopGraceMs?: number;
  /**
   * How runs are executed; the first is the default. Without this, one LocalExecutor with
   * `concurrency` slots. Another executor (a cluster) is added here and chosen per run by
   * `executorFor`.
   */
  readonly executors?: readonly Executor[];
  /** The name of the executor a queued run goes to (default: the first executor). */
  readonly executorFor?: (run: RunRow) => string;
  /** Who owns the queue, in words, for the lock's owner id (e.g. 'lrlab-run', 'lrlab-serve', 'window'). */
  readonly ownerLabel?: string;
}

interface Active {
  readonly runId: string;
  readonly executor: Executor;
  readonly recorder: RunRecorder;
  readonly execution: Execution;
  cancelled: boolean;
  /** Left running on its executor when the host closed (no end recorded). */
  detached?: boolean;
}

/** Canonical JSON (sorted keys): the same spec always hashes the same. */
export function specHash(spec: unknown): string {
  const canon = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]))
      : Array.isArray(v)
        ? v.map(canon)
        : v;
  return createHash('sha256').update(JSON.stringify(canon(spec))).digest('hex');
}

export interface LaunchMeta {
  readonly preset?: string | null;
  readonly groupId?: string | null;
  readonly tags?: readonly string[];
  /**
   * Where the runs train: an executor's name (default: the first, local). Called with the new
   * run ids before they can start, so the executor can keep per-launch options (Slurm's partition…).
   */
  readonly executor?: { readonly name: string; readonly prepare?: (runIds: readonly string[]) => void };
}

/** Runs routed to an executor other than the default carry this tag (`executor:slurm`). */
export const executorTag = (name: string): string => `executor:${name}`;

/**
 * The store row for a new run of `spec` (queue and CLI alike). Its algorithm label is the
 * spec's condition as its experiment kind names it (engine/experiments/registry.ts).
 */
export function newRunInput(spec: RunSpec, meta: LaunchMeta = {}, registry: ExperimentRegistry = experiments): NewRun {
  return {
    name: spec.name ?? `${meta.preset ?? spec.kind} s${spec.seed}`,
    spec,
    specHash: specHash(spec),
    kind: spec.kind,
    algorithm: registry.condition(spec),
    preset: meta.preset ?? null,
    groupId: meta.groupId ?? null,
    seed: spec.seed,
    tags: meta.tags ?? [],
    appVersion: appFacts().appVersion,
    gitCommit: gitCommit(),
  };
}

export class RunQueue {
  /** Runs the local executor trains at once. */
  readonly concurrency: number;
  private readonly executors: readonly Executor[];
  private readonly active = new Map<string, Active>();
  private lock: HostLock | null = null;
  private lockNote: string | null = null;
  private lockOwner: HostLockOwner | null = null;
  private pumping = false;
  private pumpAgain = false;
  private closing: string | null = null;
  private closed = false;

  constructor(private readonly o: QueueOptions) {
    this.concurrency = o.concurrency ?? defaultConcurrency(o.backend);
    this.executors = o.executors?.length ? o.executors : [new LocalExecutor(this.concurrency)];
  }

  /** When set, only these runs are started (the CLI runs its own runs, not the store's whole queue). */
  private only: Set<string> | null = null;

  /** Start only these runs from now on (added to any given before). */
  limitTo(ids: Iterable<string>): void {
    this.only ??= new Set();
    for (const id of ids) this.only.add(id);
  }

  /**
   * Takes the store's queue lock (or notes who has it) and starts what is queued. Returns
   * whether this process now owns the queue.
   */
  start(): boolean {
    this.takeLock(true);
    this.adopt();
    void this.pump();
    return this.lock !== null;
  }

  /** Tries again to take the queue lock (its owner may have closed); quiet. Returns whether we own it. */
  tryOwn(): boolean {
    if (this.lock || this.closed) return this.lock !== null;
    this.takeLock(false);
    if (this.lock) void this.pump();
    return this.lock !== null;
  }

  /** Takes over runs an earlier host left running on executors whose jobs outlive it (Slurm). */
  private adopt(): void {
    if (!this.lock) return;
    const adopters = this.executors.filter((e) => e.adopt);
    if (adopters.length === 0) return;
    const running = this.o.store.listRuns({ status: ['running'], limit: 100_000 }).rows.filter((r) => !this.active.has(r.id));
    for (const ex of adopters) {
      const recorders = new Map<string, RunRecorder>();
      const executions = ex.adopt!(running, (runId) => {
        const recorder = new RunRecorder({
          store: this.o.store,
          events: this.o.events,
          runId,
          resumedFrom: null,
          adopted: true,
          wallOffsetMs: 0,
          log: this.o.log,
          onFault: () => this.active.get(runId)?.execution.kill(),
        });
        recorders.set(runId, recorder);
        return recorder;
      });
      for (const execution of executions) this.track(ex, recorders.get(execution.runId)!, execution);
      if (executions.length) this.o.log(`re-attached ${executions.length} run(s) still on ${ex.name}`);
    }
  }

  private track(executor: Executor, recorder: RunRecorder, execution: Execution): void {
    const a: Active = { runId: recorder.runId, executor, recorder, execution, cancelled: false };
    this.active.set(a.runId, a);
    void execution.done.then((outcome) => {
      if (a.detached) return;
      const end = a.recorder.finish(outcome, { cancelled: a.cancelled, closing: this.closing });
      this.active.delete(a.runId);
      if (end.status === 'interrupted' && outcome.kind === 'crash' && outcome.environment && !a.cancelled && this.closing === null) {
        this.autoRequeue(executor, a.runId);
      }
      void this.pump();
    });
  }

  /**
   * A run its executor ended by a fault outside it (Slurm's time limit, preemption, a lost node,
   * a killed task) goes back into the queue from its latest checkpoint by itself, while it has
   * automatic requeues left (the executor's `autoRequeues`, e.g. `--requeue N`). Each one is an
   * event with `data.autoRequeue` (the count lives in the store, so a host restart keeps it);
   * after N the run stays `interrupted`. Synchronous, so no listener sees `interrupted` settle
   * between the end and the requeue (the status events come in the same tick).
   */
  private autoRequeue(executor: Executor, id: string): void {
    const limit = executor.autoRequeues?.(id) ?? 0;
    if (limit <= 0) return;
    try {
      const run = this.o.store.getRun(id);
      const used = run.events.filter((e) => typeof e.data?.['autoRequeue'] === 'number').length;
      if (used >= limit) {
        this.o.store.addEvent(id, { kind: 'info', message: `Not requeued automatically: all ${limit} automatic requeue${limit === 1 ? '' : 's'} used. Resume it by hand once the cause is fixed.`, data: { autoRequeuesUsed: used } });
        return;
      }
      const fromStep = run.checkpoints.reduce((m, c) => Math.max(m, c.step), -1);
      this.o.store.addEvent(id, {
        kind: 'info',
        step: fromStep >= 0 ? fromStep : null,
        message: `Requeued automatically (${used + 1} of ${limit}) from ${fromStep >= 0 ? `the checkpoint at step ${fromStep}` : 'the start'} after: ${run.error ?? 'the executor ended it'}`,
        data: { autoRequeue: used + 1, of: limit, fromStep, after: run.error ?? null },
      });
      this.o.store.requeueRun(id, { fromStep });
      this.status(id, 'queued', null);
      this.o.events.emit('runs.onDidChange', { runIds: [id], reason: 'resumed' });
      this.o.log(`run ${id}: requeued automatically (${used + 1} of ${limit}) from step ${fromStep}`);
    } catch (e) {
      this.o.log(`run ${id}: the automatic requeue failed, it stays interrupted: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private takeLock(say: boolean): void {
    try {
      this.lock = this.o.store.acquireHostLock(`${this.o.ownerLabel ?? 'lrlab'}-${process.pid}-${randomUUID().slice(0, 8)}`, {
        heartbeatEveryMs: 5000,
        staleAfterMs: 30_000,
      });
      this.lockNote = null;
      this.lockOwner = null;
    } catch (e) {
      this.lock = null;
      this.lockOwner = e instanceof StoreError && e.code === 'locked' ? this.o.store.hostLockOwner() : null;
      this.lockNote = `${e instanceof Error ? e.message : String(e)} Runs launched here stay queued until that host runs them.`;
      if (say) this.o.log(this.lockNote);
    }
  }

  get ownsQueue(): boolean {
    return this.lock !== null;
  }

  get note(): string | null {
    return this.lockNote;
  }

  /** Who owns the store's queue when this process does not (null when we do, or nobody does). */
  get owner(): HostLockOwner | null {
    return this.lockOwner;
  }

  /** Where a running run trains (the local worker's pid, a job id…), or null. */
  whereRuns(runId: string): Readonly<Record<string, string>> | null {
    return this.active.get(runId)?.execution.where ?? null;
  }

  /** The worker process of a running local run (diagnostics and fault tests). */
  workerPid(runId: string): number | null {
    const pid = this.whereRuns(runId)?.['worker pid'];
    return pid && /^\d+$/.test(pid) ? Number(pid) : null;
  }

  /** Runs this queue has handed to an executor and that have not ended yet. */
  runningIds(): string[] {
    return [...this.active.keys()];
  }

  /** Creates queued runs (one per spec) and starts what fits. */
  launch(specs: readonly RunSpec[], meta: LaunchMeta = {}): string[] {
    const ids: string[] = [];
    const ex = meta.executor;
    if (ex && !this.executors.some((e) => e.name === ex.name)) throw new HostError('invalid_request', `This host cannot run on "${ex.name}" (no such executor here).`);
    const tags = ex && ex.name !== this.executors[0]!.name ? [...(meta.tags ?? []), executorTag(ex.name)] : meta.tags;
    for (const spec of specs) {
      const row = this.o.store.createRun(newRunInput(spec, { ...meta, ...(tags ? { tags } : {}) }));
      ids.push(row.id);
    }
    ex?.prepare?.(ids);
    for (const id of ids) this.status(id, 'queued', null);
    this.o.events.emit('runs.onDidChange', { runIds: ids, reason: 'launched' });
    void this.pump();
    return ids;
  }

  /** queued → stopped at once; running → asked to stop, killed after the grace period; points kept. */
  cancel(id: string): void {
    const a = this.active.get(id);
    if (a) {
      a.cancelled = true;
      a.execution.stop(this.o.stopGraceMs ?? 20_000);
      return;
    }
    const run = this.o.store.getRun(id);
    if (run.status !== 'queued') throw new HostError('conflict', `Run ${id} is ${run.status}; only queued or running runs can be cancelled.`);
    this.o.store.finishRun(id, 'stopped', { error: null });
    this.status(id, 'stopped', null);
  }

  /**
   * An interrupted, stopped or failed run goes back into the queue and continues from its last
   * checkpoint (points after it are dropped: the resumed run writes them again). A failed run
   * is resumable too: it may have ended by a fault outside it that has since been fixed.
   */
  async resume(id: string): Promise<void> {
    const run = this.o.store.getRun(id);
    if (!isResumable(run.status)) {
      throw new HostError('conflict', `Run ${id} is ${run.status}; only ${RESUMABLE_RUN_STATUSES.slice(0, -1).join(', ')} or ${RESUMABLE_RUN_STATUSES.at(-1)} runs can be resumed.`);
    }
    const ckpt = await this.o.store.latestCheckpoint(id);
    this.o.store.requeueRun(id, { fromStep: ckpt ? ckpt.step : -1 });
    this.status(id, 'queued', null);
    this.o.events.emit('runs.onDidChange', { runIds: [id], reason: 'resumed' });
    void this.pump();
  }

  private status(runId: string, status: RunStatus, error: string | null): void {
    this.o.events.emit('training.onDidChangeStatus', { runId, status, error });
  }

  private executorOf(run: RunRow): Executor {
    const tagged = this.executors.find((e) => run.tags.includes(executorTag(e.name)));
    if (tagged) return tagged;
    const name = this.o.executorFor?.(run);
    return (name !== undefined ? this.executors.find((e) => e.name === name) : undefined) ?? this.executors[0]!;
  }

  /** Starts queued runs while their executors have room (each executor gets its share as one batch). */
  async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    if (this.closed || !this.lock) return;
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        const free = new Map(this.executors.map((e) => [e, e.capacity - [...this.active.values()].filter((a) => a.executor === e).length]));
        if ([...free.values()].every((n) => n <= 0)) break;
        const queued = this.o.store
          .listRuns({ status: ['queued'], sortBy: 'createdAt', sortDir: 'asc', limit: 1000 })
          .rows.filter((r) => !this.active.has(r.id) && (this.only === null || this.only.has(r.id)));
        const batches = new Map<Executor, RunRow[]>();
        for (const r of queued) {
          const ex = this.executorOf(r);
          const room = free.get(ex) ?? 0;
          if (room <= 0) continue;
          free.set(ex, room - 1);
          batches.set(ex, [...(batches.get(ex) ?? []), r]);
        }
        for (const [ex, rows] of batches) {
          if (this.closed) break;
          await this.startBatch(ex, rows);
        }
      } while (this.pumpAgain && !this.closed);
    } finally {
      this.pumping = false;
    }
  }

  private async startBatch(executor: Executor, rows: readonly RunRow[]): Promise<void> {
    const batch: { launch: RunLaunch; recorder: RunRecorder }[] = [];
    for (const row of rows) {
      let spec: RunSpec;
      try {
        // A stored spec: a field a later LR Lab removed is dropped, not a reason to fail the run.
        spec = readStoredRunSpec(JSON.parse(row.specJson)).spec;
      } catch (e) {
        this.o.store.finishRun(row.id, 'failed', { error: `The stored spec no longer validates: ${e instanceof Error ? e.message : String(e)}` });
        this.status(row.id, 'failed', 'invalid spec');
        continue;
      }
      try {
        const resumeFrom = await this.o.store.latestCheckpoint(row.id);
        if (this.closed) return;
        const wallOffsetMs = resumeFrom ? this.o.store.wallMsAt(row.id, resumeFrom.step) : 0;
        const recorder = new RunRecorder({
          store: this.o.store,
          events: this.o.events,
          runId: row.id,
          resumedFrom: resumeFrom?.step ?? null,
          wallOffsetMs,
          log: this.o.log,
          onFault: () => this.active.get(row.id)?.execution.kill(),
        });
        batch.push({ launch: { runId: row.id, spec, backend: this.o.backend, resumeFrom }, recorder });
      } catch (e) {
        // The store cannot prepare this run (disk full, locked): it stays queued for a later pump.
        this.o.log(`cannot start ${row.id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (batch.length === 0) return;
    let executions: Execution[];
    try {
      executions = executor.startBatch(batch.map((b) => ({ launch: b.launch, callbacks: b.recorder })));
    } catch (e) {
      // The executor could not start them (a broken install, no sbatch): these runs fail, the host goes on.
      const message = e instanceof Error ? e.message : String(e);
      for (const b of batch) b.recorder.finish({ kind: 'crash', message, environment: false }, { cancelled: false, closing: null });
      return;
    }
    executions.forEach((execution, i) => this.track(executor, batch[i]!.recorder, execution));
  }

  /**
   * Ends every run (they become interrupted, resumable, with `reason` as their error) and
   * releases the lock.
   */
  async close(reason = 'LR Lab closed while the run trained.'): Promise<void> {
    this.closed = true;
    this.closing = `${reason} Resume it (\`lrlab resume ID\` or the Resume button) to continue from its last checkpoint.`;
    const waits = [...this.active.values()].map((a) => {
      if (a.execution.detach) {
        // A cluster job goes on without this host: it stays running, and the next host adopts it.
        a.detached = true;
        a.execution.detach();
        a.recorder.detach();
        this.active.delete(a.runId);
        return Promise.resolve();
      }
      a.execution.kill();
      return a.execution.done;
    });
    await Promise.all(waits);
    await new Promise((r) => setImmediate(r));
    for (const ex of this.executors) await ex.close?.();
    this.lock?.release();
    this.lock = null;
  }
}
