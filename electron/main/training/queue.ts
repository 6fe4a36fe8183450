/**
 * The run queue: queued runs live in the store (so the queue survives a restart) and start in
 * creation order, `concurrency` at a time, each in its own worker process. Only the host that
 * holds the store's queue lock starts runs, so two hosts on one file never double-start one.
 */
import { createHash, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import type { Checkpoint, MetricRecord, ProgressInfo, RunResult } from '../../../engine/experiments/types';
import { parseRunSpec, type RunSpec } from '../../../engine/spec';
import { experiments, type ExperimentRegistry } from '../../../engine/experiments/registry';
import type { HostLock, MetricWriter, NewRun, RunFinalStatus, RunStore } from '../../../storage';
import type { HostEvents } from '../host/events';
import type { RunStatus } from '../../api/schemas';
import { HostError } from '../host/errors';
import { appFacts, gitCommit } from '../host/provenance';
import { RunProcess, type RunOutcome } from './runProcess';
import { wireRecord } from '../services/wire';

export interface QueueOptions {
  readonly store: RunStore;
  readonly events: HostEvents;
  /** Parallel runs; default 1 on a machine with ≤ 2 cores or a GPU backend, else cores / 2. */
  readonly concurrency?: number;
  /** Forced backend for every run (`--backend`); null lets each spec choose. */
  readonly backend: string | null;
  readonly log: (line: string) => void;
  /** Grace period for a cancelled run to stop by itself before it is killed. */
  readonly stopGraceMs?: number;
}

interface ActiveState {
  readonly runId: string;
  readonly writer: MetricWriter;
  readonly resumedFrom: number | null;
  cancelled: boolean;
  lastValues: Record<string, number>;
  lastEmit: number;
  rate: { step: number; t: number; stepsPerS: number | null } | null;
  startedAt: number;
}

interface Active extends ActiveState {
  readonly proc: RunProcess;
}

export function defaultConcurrency(backend: string | null): number {
  const n = cpus().length;
  if (backend === 'tensorflow-gpu' || n <= 2) return 1;
  return Math.max(1, Math.floor(n / 2));
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
}

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
  readonly concurrency: number;
  private readonly active = new Map<string, Active>();
  private lock: HostLock | null = null;
  private lockNote: string | null = null;
  private pumping = false;
  private closed = false;

  constructor(private readonly o: QueueOptions) {
    this.concurrency = o.concurrency ?? defaultConcurrency(o.backend);
  }

  /** Takes the store's queue lock (or notes who has it) and starts what is queued. */
  start(): void {
    try {
      this.lock = this.o.store.acquireHostLock(`lrlab-${process.pid}-${randomUUID().slice(0, 8)}`, { heartbeatEveryMs: 5000, staleAfterMs: 30_000 });
      this.lockNote = null;
    } catch (e) {
      this.lock = null;
      this.lockNote = `${e instanceof Error ? e.message : String(e)} Runs launched here stay queued until that host runs them.`;
      this.o.log(this.lockNote);
    }
    void this.pump();
  }

  get ownsQueue(): boolean {
    return this.lock !== null;
  }

  get note(): string | null {
    return this.lockNote;
  }

  /** The worker process of a running run (diagnostics and fault tests). */
  workerPid(runId: string): number | null {
    return this.active.get(runId)?.proc.pid ?? null;
  }

  runningIds(): string[] {
    return [...this.active.keys()];
  }

  /** Creates queued runs (one per spec) and starts what fits. */
  launch(specs: readonly RunSpec[], meta: LaunchMeta = {}): string[] {
    const ids: string[] = [];
    for (const spec of specs) {
      const row = this.o.store.createRun(newRunInput(spec, meta));
      ids.push(row.id);
      this.status(row.id, 'queued', null);
    }
    this.o.events.emit('runs.onDidChange', { runIds: ids, reason: 'launched' });
    void this.pump();
    return ids;
  }

  /** queued → stopped at once; running → asked to stop, killed after the grace period; points kept. */
  cancel(id: string): void {
    const a = this.active.get(id);
    if (a) {
      a.cancelled = true;
      a.proc.stop(this.o.stopGraceMs ?? 20_000);
      return;
    }
    const run = this.o.store.getRun(id);
    if (run.status !== 'queued') throw new HostError('conflict', `Run ${id} is ${run.status}; only queued or running runs can be cancelled.`);
    this.o.store.finishRun(id, 'stopped', { error: null });
    this.status(id, 'stopped', null);
  }

  /** An interrupted or stopped run goes back into the queue; it continues from its last checkpoint. */
  async resume(id: string): Promise<void> {
    const run = this.o.store.getRun(id);
    if (run.status !== 'interrupted' && run.status !== 'stopped') {
      throw new HostError('conflict', `Run ${id} is ${run.status}; only interrupted or stopped runs can be resumed.`);
    }
    const ckpt = await this.o.store.latestCheckpoint(id);
    // Points after the checkpoint are dropped: the resumed run writes them again.
    this.o.store.requeueRun(id, { fromStep: ckpt ? ckpt.step : -1 });
    this.status(id, 'queued', null);
    void this.pump();
  }

  private status(runId: string, status: RunStatus, error: string | null): void {
    this.o.events.emit('training.onDidChangeStatus', { runId, status, error });
  }

  /** Starts queued runs while there is room. */
  async pump(): Promise<void> {
    if (this.pumping || this.closed || !this.lock) return;
    this.pumping = true;
    try {
      while (!this.closed && this.active.size < this.concurrency) {
        const next = this.o.store
          .listRuns({ status: ['queued'], sortBy: 'createdAt', sortDir: 'asc', limit: this.concurrency + this.active.size + 1 })
          .rows.find((r) => !this.active.has(r.id));
        if (!next) break;
        await this.startRun(next.id, next.specJson);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async startRun(runId: string, specJson: string): Promise<void> {
    let spec: RunSpec;
    try {
      spec = parseRunSpec(JSON.parse(specJson));
    } catch (e) {
      this.o.store.finishRun(runId, 'failed', { error: `The stored spec no longer validates: ${e instanceof Error ? e.message : String(e)}` });
      this.status(runId, 'failed', 'invalid spec');
      return;
    }
    const resumeFrom: Checkpoint | null = await this.o.store.latestCheckpoint(runId);
    const store = this.o.store;
    const writer = store.metricWriter(runId, { onError: (e) => this.o.log(`metrics of ${runId}: ${e.message}`) });
    const state: ActiveState = {
      runId,
      writer,
      resumedFrom: resumeFrom?.step ?? null,
      cancelled: false,
      lastValues: {},
      lastEmit: 0,
      rate: null,
      startedAt: Date.now(),
    };
    let proc: RunProcess;
    try {
      proc = new RunProcess(runId, spec, {
        backend: this.o.backend,
        resumeFrom,
        // Runs side by side split the cores instead of each starting a thread per core.
        wasmThreads: Math.max(1, Math.floor(cpus().length / this.concurrency)),
        handlers: {
          onStarted: (p) => {
            store.markRunning(runId, { pid: process.pid, backend: p.backend.name, versions: p.versions });
            this.status(runId, 'running', null);
          },
          onMetrics: (records) => this.onMetrics(state, records),
          onEvent: (e) => {
            store.addEvent(runId, { kind: e.kind, step: e.step, epoch: e.epoch, message: e.message, data: (e.data ?? null) as never });
            this.o.events.emit('runs.onDidChange', { runIds: [runId], reason: `event:${e.kind}` });
          },
          onProgress: (p) => this.onProgress(state, p),
          onCheckpoint: async (c) => {
            writer.flush(); // the points up to the checkpoint are durable before it is
            await store.saveCheckpoint(runId, c);
          },
        },
      });
    } catch (e) {
      // No worker could be started (a broken install): this run fails, the host goes on.
      const message = e instanceof Error ? e.message : String(e);
      writer.close();
      store.finishRun(runId, 'failed', { error: message });
      this.status(runId, 'failed', message);
      return;
    }
    const a: Active = Object.assign(state, { proc });
    this.active.set(runId, a);
    void proc.done.then((outcome) => this.finish(a, outcome));
  }

  private onMetrics(a: ActiveState, records: readonly MetricRecord[]): void {
    for (const r of records) {
      // A resumed run may log its checkpoint step again: that point is already stored.
      if (a.resumedFrom !== null && r.step <= a.resumedFrom) continue;
      a.writer.write(r);
      Object.assign(a.lastValues, r.values);
    }
  }

  private onProgress(a: ActiveState, p: ProgressInfo): void {
    const now = Date.now();
    if (a.rate === null) a.rate = { step: p.step, t: now, stepsPerS: null };
    else if (now - a.rate.t >= 1000) {
      const inst = (p.step - a.rate.step) / ((now - a.rate.t) / 1000);
      a.rate = { step: p.step, t: now, stepsPerS: a.rate.stepsPerS === null ? inst : 0.7 * a.rate.stepsPerS + 0.3 * inst };
    }
    if (now - a.lastEmit < 100) return; // ≤ 10 events per second per run
    a.lastEmit = now;
    const sps = a.rate.stepsPerS;
    this.o.events.emit('training.onDidProgress', {
      runId: a.runId,
      step: p.step,
      totalSteps: p.totalSteps,
      epoch: p.epoch,
      totalEpochs: p.totalEpochs,
      values: wireRecord(a.lastValues),
      stepsPerS: sps,
      etaS: sps && sps > 0 ? Math.max(0, (p.totalSteps - p.step) / sps) : null,
      wallS: (now - a.startedAt) / 1000,
    });
  }

  private finish(a: Active, outcome: RunOutcome): void {
    const store = this.o.store;
    let status: RunFinalStatus;
    let error: string | null = null;
    let summary: RunResult | null = null;
    if (outcome.kind === 'end') {
      status = outcome.result.status;
      summary = outcome.result;
    } else if (a.cancelled || this.closed) {
      status = this.closed && !a.cancelled ? 'interrupted' : 'stopped';
      error = a.cancelled ? null : outcome.message;
    } else {
      status = 'failed';
      error = outcome.message;
    }
    try {
      a.writer.close();
    } catch (e) {
      error = `${error ? `${error}; ` : ''}writing the last metrics failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    try {
      const current = store.getRun(a.runId).status;
      if (current === 'queued' && status === 'interrupted') {
        // never started: stays queued for the next host
      } else {
        if (status === 'failed' || error) store.addEvent(a.runId, { kind: 'error', message: error ?? 'failed' });
        store.finishRun(a.runId, status, { error, summary: summary ? { ...summary } : null });
      }
    } catch (e) {
      this.o.log(`recording the end of ${a.runId} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.active.delete(a.runId);
    this.status(a.runId, status, error);
    this.o.events.emit('runs.onDidChange', { runIds: [a.runId], reason: 'finished' });
    void this.pump();
  }

  /** Stops every worker (runs become interrupted and can be resumed) and releases the lock. */
  async close(): Promise<void> {
    this.closed = true;
    const waits = [...this.active.values()].map((a) => {
      a.proc.kill();
      return a.proc.done;
    });
    await Promise.all(waits);
    await new Promise((r) => setImmediate(r));
    this.lock?.release();
    this.lock = null;
  }
}
