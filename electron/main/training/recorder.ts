/**
 * The recording path: everything a run reports — start, metrics, events, progress, checkpoints,
 * its end — goes into the store and out as host events here, whichever executor trains it
 * (executor.ts). The window, `lrlab serve` and the CLI all record through this one class.
 */
import type { Checkpoint, MetricRecord, ProgressInfo, RunEvent, RunResult } from '../../../engine/experiments/types';
import { StoreError, type MetricWriter, type RunFinalStatus, type RunStore } from '../../../storage';
import type { RunStatus } from '../../api/schemas';
import type { HostEvents } from '../host/events';
import { EnvironmentFault, type ExecutionCallbacks, type ExecutionStart, type RunOutcome } from './executor';
import { progressEvent, StepRate } from './progressEvent';

/** Store failures that are not the run's fault: the run stays resumable. */
const ENVIRONMENT_CODES = new Set(['disk_full', 'locked', 'unwritable', 'io']);

export function isEnvironmentError(e: unknown): boolean {
  return e instanceof EnvironmentFault || (e instanceof StoreError && ENVIRONMENT_CODES.has(e.code));
}

export interface RecorderOptions {
  readonly store: RunStore;
  readonly events: HostEvents;
  readonly runId: string;
  /** The checkpoint step a resumed run continues from: points up to it are already stored. */
  readonly resumedFrom: number | null;
  /** The run was adopted `running` from an earlier host (a cluster job): a start is not a conflict. */
  readonly adopted?: boolean;
  /**
   * Wall time already spent on the run before this segment (ms): added to every point's wall
   * time and to the summary, so a resumed run's clock continues instead of restarting at 0.
   */
  readonly wallOffsetMs: number;
  readonly log: (line: string) => void;
  /** A write failed for a reason outside the run (disk full…): the caller ends the execution. */
  readonly onFault: (message: string) => void;
}

/** How the queue ended a run, besides what the executor reported. */
export interface EndContext {
  /** The user cancelled it. */
  readonly cancelled: boolean;
  /** The host is closing (window closed, `serve` stopped): why, in words; null otherwise. */
  readonly closing: string | null;
}

export interface RunEnd {
  readonly status: RunStatus;
  readonly error: string | null;
}

export class RunRecorder implements ExecutionCallbacks {
  readonly runId: string;
  private readonly writer: MetricWriter;
  private readonly startedAt = Date.now();
  private lastValues: Record<string, number> = {};
  private lastEmit = 0;
  private readonly rate = new StepRate();
  /** The first write that failed for an environmental reason. */
  private fault: string | null = null;

  constructor(private readonly o: RecorderOptions) {
    this.runId = o.runId;
    this.writer = o.store.metricWriter(o.runId, { onError: (e) => this.failed(e, 'saving metric points') });
  }

  private status(status: RunStatus, error: string | null): void {
    this.o.events.emit('training.onDidChangeStatus', { runId: this.runId, status, error });
  }

  private failed(e: unknown, action: string): void {
    const message = `${action} failed: ${e instanceof Error ? e.message : String(e)}`;
    this.o.log(`run ${this.runId}: ${message}`);
    if (this.fault !== null) return;
    this.fault = message;
    // Environmental or not, a run whose points cannot be recorded must not train on unrecorded.
    this.o.onFault(message);
  }

  started(s: ExecutionStart): void {
    try {
      const now = this.o.store.getRun(this.runId).status;
      if (now !== 'queued' && !(this.o.adopted && now === 'running')) {
        // Cancelled or deleted from another process while its worker started: do not train it.
        this.fault = `the run became ${now} before it started`;
        this.o.onFault(this.fault);
        return;
      }
      // pid: this process records the run, so a dead recorder means an unrecorded run (recoverInterrupted).
      this.o.store.markRunning(this.runId, { pid: process.pid, backend: s.backend.name, versions: { ...s.versions, ...s.where } });
      this.status('running', null);
    } catch (e) {
      this.failed(e, 'marking the run running');
    }
  }

  metrics(records: readonly MetricRecord[]): void {
    if (this.fault !== null) return;
    try {
      for (const r of records) {
        // A resumed run may log its checkpoint step again: that point is already stored.
        if (this.o.resumedFrom !== null && r.step <= this.o.resumedFrom) continue;
        this.writer.write(this.o.wallOffsetMs ? { ...r, wallTimeMs: r.wallTimeMs + this.o.wallOffsetMs } : r);
        Object.assign(this.lastValues, r.values);
      }
    } catch (e) {
      this.failed(e, 'saving metric points');
    }
  }

  event(e: RunEvent): void {
    try {
      this.o.store.addEvent(this.runId, { kind: e.kind, step: e.step, epoch: e.epoch, message: e.message, data: (e.data ?? null) as never });
      this.o.events.emit('runs.onDidChange', { runIds: [this.runId], reason: `event:${e.kind}` });
    } catch (err) {
      this.failed(err, `saving the ${e.kind} event`);
    }
  }

  progress(p: ProgressInfo): void {
    const now = Date.now();
    const sps = this.rate.update(p.step, now);
    if (now - this.lastEmit < 100) return; // ≤ 10 events per second per run
    this.lastEmit = now;
    this.o.events.emit('training.onDidProgress', progressEvent(this.runId, p, this.lastValues, sps, (this.o.wallOffsetMs + now - this.startedAt) / 1000));
  }

  async checkpoint(c: Checkpoint): Promise<void> {
    try {
      this.writer.flush(); // the points up to the checkpoint are durable before it is
      await this.o.store.saveCheckpoint(this.runId, c);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw isEnvironmentError(e) ? new EnvironmentFault(message, { cause: e }) : e;
    }
  }

  /** The run goes on without this host (a detached cluster job): store what is buffered, record no end. */
  detach(): void {
    try {
      this.writer.close();
    } catch (e) {
      this.o.log(`run ${this.runId}: writing the last metrics failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Records the end of the run: its final status, summary and error. Never throws. */
  finish(outcome: RunOutcome, ctx: EndContext): RunEnd {
    const store = this.o.store;
    let status: RunFinalStatus;
    let error: string | null = null;
    let summary: RunResult | null = null;
    const resumeHint = ' Resume it (`lrlab resume ID` or the Resume button) to continue from its last checkpoint.';
    if (outcome.kind === 'end') {
      status = outcome.result.status;
      summary = { ...outcome.result, wallS: this.o.wallOffsetMs / 1000 + outcome.result.wallS };
    } else if (ctx.cancelled) {
      status = 'stopped';
    } else if (ctx.closing !== null) {
      status = 'interrupted';
      error = ctx.closing;
    } else if (this.fault !== null || outcome.environment) {
      status = 'interrupted';
      error = `${this.fault ?? outcome.message}${resumeHint}`;
    } else {
      status = 'failed';
      error = outcome.message;
    }
    try {
      this.writer.close();
    } catch (e) {
      const message = `writing the last metrics failed: ${e instanceof Error ? e.message : String(e)}`;
      error = error ? `${error}; ${message}` : message;
      if (isEnvironmentError(e) && status === 'failed') status = 'interrupted';
    }
    let recorded: RunStatus = status;
    try {
      const current = store.getRun(this.runId).status;
      if (current === 'queued' && status === 'interrupted') {
        recorded = 'queued'; // never started: stays queued for the next host
      } else if (current !== 'running' && current !== 'queued') {
        recorded = current; // ended elsewhere meanwhile (cancelled from another process): keep that
      } else {
        if (status === 'failed' && !error) store.addEvent(this.runId, { kind: 'error', message: 'failed' });
        store.finishRun(this.runId, status, { error, summary });
      }
    } catch (e) {
      this.o.log(`recording the end of ${this.runId} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.status(recorded, error);
    this.o.events.emit('runs.onDidChange', { runIds: [this.runId], reason: 'finished' });
    return { status: recorded, error };
  }
}
