/**
 * The host side of cluster runs: tails run folders' segments (segments.ts) into the store.
 *
 * Exactly once, even across host restarts, without a cursor of its own: what the store already
 * holds decides what is new. Each metric key's steps only grow within an attempt, so a point is
 * new iff its step is past the key's last stored step (metric_latest, kept in the same transaction
 * as the points). Events are new iff no stored event has the same kind, step and message;
 * checkpoints iff their step is not stored. A host that restarts simply re-reads the folders from
 * the start. Only attempts from `fromAttempt` on are read: a resume truncates the store to its
 * checkpoint and the resubmitted task starts a new attempt, so older attempts are done.
 *
 * Live: every `pollMs` (default 250 ms) new lines are read, the points written in one
 * transaction per run, and progress emitted (at most one event per poll and run, like local
 * runs' ≤ 10/s), so what a node logs is in the store and on screen within about a second.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint, MetricRecord, ProgressInfo, RunEvent, RunResult } from '../../../engine/experiments/types';
import type { MetricWriter, RunStore } from '../../../storage';
import type { HostEvents } from '../host/events';
import { attemptDirs, decodeValues, SegmentReader, type SegmentLine } from './segments';
import { progressEvent, StepRate } from '../training/progressEvent';

export type IngestOutcome =
  | { readonly kind: 'end'; readonly result: RunResult; readonly signal: string | null; readonly attempt: number }
  | { readonly kind: 'error'; readonly message: string; readonly attempt: number };

export type StartLine = Extract<SegmentLine, { t: 'start' }>;

export interface WatchHandlers {
  /** A new attempt of the run started on a node (its provenance). */
  onStarted?(start: StartLine): void;
  /** The newest attempt wrote its last line (end or error), and every line before it is stored. */
  onOutcome?(outcome: IngestOutcome): void;
}

/**
 * Where a run's ingested lines go. The default writes the store directly (benchmarks, tools);
 * the Slurm executor passes the queue's recorder callbacks, so cluster runs are recorded by the
 * same code as local ones. Lines reach a sink at most once (deduplicated against the store).
 */
export interface RunSink {
  metrics(records: readonly MetricRecord[]): void;
  event(e: RunEvent): void;
  progress(p: ProgressInfo): void;
  /** Resolves once the checkpoint is stored. */
  checkpoint(c: Checkpoint): Promise<void>;
  /** End of one poll: make what was written visible (one transaction). */
  flush(): void;
  close(): void;
}

export interface IngesterOptions {
  readonly store: RunStore;
  readonly events?: HostEvents | null;
  readonly log?: (line: string) => void;
  readonly pollMs?: number;
  /** Live lag: ms from a node writing a progress line to the host handing it on (each poll, newest line per run). */
  readonly onProgressLag?: (ms: number) => void;
  /** After each poll of a run that stored points: the newest point's step and wall time (benchmarks measure lag with it). */
  readonly onStored?: (runId: string, points: number, last: { step: number; wallTimeMs: number }) => void;
}

interface Watched {
  readonly runId: string;
  readonly runDir: string;
  readonly fromAttempt: number;
  readonly handlers: WatchHandlers;
  readonly readers: Map<string, { reader: SegmentReader; attempt: number }>;
  readonly lastStep: Map<string, number>;
  maxLastStep: number;
  readonly eventKeys: Set<string>;
  readonly ckptSteps: Set<number>;
  /** Checkpoint saves in flight: an outcome is reported only after they are stored. */
  readonly saving: Set<Promise<unknown>>;
  readonly sink: RunSink;
  batch: MetricRecord[];
  /** The highest attempt folder seen. */
  newestAttempt: number;
  outcome: IngestOutcome | null;
  outcomeSent: boolean;
  last: { step: number; wallTimeMs: number } | null;
  progress: ProgressInfo | null;
  progressAt: number | null;
}

export interface IngestStats {
  points: number;
  lines: number;
  polls: number;
}

const eventKey = (kind: string, step: number | null, message: string): string => `${kind}\u0000${step ?? ''}\u0000${message}`;

export class Ingester {
  private readonly runs = new Map<string, Watched>();
  private timer: NodeJS.Timeout | null = null;
  readonly stats: IngestStats = { points: 0, lines: 0, polls: 0 };

  constructor(private readonly o: IngesterOptions) {}

  /** Starts tailing `runDir` for `runId` (replacing an earlier watch of it). */
  watch(runId: string, runDir: string, handlers: WatchHandlers = {}, opts: { fromAttempt?: number; sink?: RunSink } = {}): void {
    this.unwatch(runId);
    const detail = this.o.store.getRun(runId);
    const lastStep = new Map<string, number>();
    let maxLastStep = -Infinity;
    for (const m of detail.metrics) {
      lastStep.set(m.key, m.lastStep);
      maxLastStep = Math.max(maxLastStep, m.lastStep);
    }
    this.runs.set(runId, {
      runId,
      runDir,
      fromAttempt: opts.fromAttempt ?? 1,
      handlers,
      readers: new Map(),
      lastStep,
      maxLastStep,
      eventKeys: new Set(detail.events.map((e) => eventKey(e.kind, e.step, e.message))),
      ckptSteps: new Set(detail.checkpoints.map((c) => c.step)),
      saving: new Set(),
      sink: opts.sink ?? new StoreSink(this.o.store, this.o.events ?? null, runId),
      batch: [],
      newestAttempt: 0,
      outcome: null,
      outcomeSent: false,
      last: null,
      progress: null,
      progressAt: null,
    });
  }

  /** Stops tailing a run (after reading what is there). */
  unwatch(runId: string): void {
    const w = this.runs.get(runId);
    if (!w) return;
    try {
      this.pollRun(w);
    } finally {
      this.runs.delete(runId);
      w.sink.close();
    }
  }

  /** Resolves when the run's checkpoint saves in flight are stored. */
  async settled(runId: string): Promise<void> {
    const w = this.runs.get(runId);
    if (w) await Promise.allSettled([...w.saving]);
  }

  watching(runId: string): boolean {
    return this.runs.has(runId);
  }

  start(): void {
    if (this.timer) return;
    const every = this.o.pollMs ?? 250;
    const tick = (): void => {
      this.timer = setTimeout(() => {
        this.pollAll();
        if (this.timer) tick();
      }, every);
      this.timer.unref?.();
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  close(): void {
    this.stop();
    for (const id of [...this.runs.keys()]) {
      try {
        this.unwatch(id);
      } catch (e) {
        this.o.log?.(`ingesting ${id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  /** Reads every watched folder once; returns the points stored. */
  pollAll(): number {
    this.stats.polls++;
    let points = 0;
    for (const w of [...this.runs.values()]) {
      try {
        points += this.pollRun(w);
      } catch (e) {
        this.o.log?.(`ingesting ${w.runId} from ${w.runDir}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return points;
  }

  /** Reads one watched run now (tests, and before deciding a task's fate). */
  poll(runId: string): number {
    const w = this.runs.get(runId);
    return w ? this.pollRun(w) : 0;
  }

  private pollRun(w: Watched): number {
    for (const dir of attemptDirs(w.runDir)) {
      if (w.readers.has(dir)) continue;
      const attempt = Number(/attempt-(\d+)$/.exec(dir)?.[1] ?? 0);
      if (attempt < w.fromAttempt) continue;
      w.readers.set(dir, { reader: new SegmentReader(dir), attempt });
      // Only the newest attempt's end counts (an older one ended before a requeue).
      w.newestAttempt = Math.max(w.newestAttempt, attempt);
    }
    let points = 0;
    for (const { reader, attempt } of w.readers.values()) {
      const lines = reader.read();
      this.stats.lines += lines.length;
      for (const line of lines) points += this.apply(w, attempt, line);
    }
    this.flushBatch(w);
    w.sink.flush();
    this.stats.points += points;
    if (points > 0 && w.last) this.o.onStored?.(w.runId, points, w.last);
    if (w.progress) {
      w.sink.progress(w.progress); // the newest only: ≤ one per poll and run
      if (w.progressAt !== null) this.o.onProgressLag?.(Date.now() - w.progressAt);
    }
    w.progress = null;
    w.progressAt = null;
    if (w.outcome && !w.outcomeSent && w.outcome.attempt === w.newestAttempt) {
      w.outcomeSent = true;
      const outcome = w.outcome;
      void Promise.allSettled([...w.saving]).then(() => w.handlers.onOutcome?.(outcome));
    }
    return points;
  }

  private apply(w: Watched, attempt: number, l: SegmentLine): number {
    switch (l.t) {
      case 'm': {
        const values = decodeValues(l.v);
        w.last = { step: l.s, wallTimeMs: l.w };
        if (l.s > w.maxLastStep) {
          w.batch.push({ step: l.s, epoch: l.e, wallTimeMs: l.w, values });
          let n = 0;
          for (const k in values) {
            w.lastStep.set(k, l.s);
            n++;
          }
          w.maxLastStep = l.s;
          return n;
        }
        const fresh: Record<string, number> = {};
        let n = 0;
        for (const k in values) {
          const last = w.lastStep.get(k);
          if (last !== undefined && l.s <= last) continue; // stored already (a re-read or a resumed attempt)
          fresh[k] = values[k] as number;
          w.lastStep.set(k, l.s);
          n++;
        }
        if (n > 0) w.batch.push({ step: l.s, epoch: l.e, wallTimeMs: l.w, values: fresh });
        return n;
      }
      case 'ev': {
        const e = l.event;
        const key = eventKey(e.kind, e.step, e.message);
        if (w.eventKeys.has(key)) return 0;
        w.eventKeys.add(key);
        this.flushBatch(w); // the points before an event reach the sink before it
        w.sink.event(e);
        return 0;
      }
      case 'p':
        w.progress = l.p;
        w.progressAt = l.at ?? null;
        return 0;
      case 'c': {
        if (w.ckptSteps.has(l.step)) return 0;
        this.flushBatch(w);
        w.sink.flush(); // points up to the checkpoint are durable before it is
        const bytes = new Uint8Array(readFileSync(join(w.runDir, `attempt-${String(attempt).padStart(4, '0')}`, l.file)));
        // saveCheckpoint is async (file + row); the set guards against a second save meanwhile.
        w.ckptSteps.add(l.step);
        const saving = w.sink
          .checkpoint({ step: l.step, epoch: l.epoch, bytes })
          .catch((e: unknown) => {
            w.ckptSteps.delete(l.step);
            this.o.log?.(`checkpoint ${l.step} of ${w.runId}: ${e instanceof Error ? e.message : String(e)}`);
          })
          .finally(() => w.saving.delete(saving));
        w.saving.add(saving);
        return 0;
      }
      case 'start':
        if (attempt >= w.newestAttempt) w.handlers.onStarted?.(l);
        return 0;
      case 'end':
        if (attempt >= w.newestAttempt) w.outcome = { kind: 'end', result: l.result, signal: l.signal, attempt };
        return 0;
      case 'error':
        if (attempt >= w.newestAttempt) w.outcome = { kind: 'error', message: l.message, attempt };
        return 0;
    }
  }

  private flushBatch(w: Watched): void {
    if (w.batch.length === 0) return;
    const batch = w.batch;
    w.batch = [];
    w.sink.metrics(batch);
  }
}

/** The default sink: the store's metric writer, events and checkpoints; progress as host events. */
export class StoreSink implements RunSink {
  private readonly writer: MetricWriter;
  private readonly lastValues: Record<string, number> = {};
  private readonly rate = new StepRate();
  private readonly startedAt = Date.now();

  constructor(
    private readonly store: RunStore,
    private readonly events: HostEvents | null,
    private readonly runId: string,
  ) {
    // The ingester flushes after each poll; the writer's own timer is only a backstop.
    this.writer = store.metricWriter(runId, { flushEveryMs: 5000, flushEveryPoints: 200_000 });
  }

  metrics(records: readonly MetricRecord[]): void {
    for (const r of records) {
      this.writer.write(r);
      Object.assign(this.lastValues, r.values);
    }
  }

  event(e: RunEvent): void {
    this.writer.flush();
    this.store.addEvent(this.runId, { kind: e.kind, step: e.step, epoch: e.epoch, message: e.message, data: (e.data ?? null) as never });
    this.events?.emit('runs.onDidChange', { runIds: [this.runId], reason: `event:${e.kind}` });
  }

  async checkpoint(c: Checkpoint): Promise<void> {
    this.writer.flush();
    await this.store.saveCheckpoint(this.runId, c);
  }

  flush(): void {
    this.writer.flush();
  }

  close(): void {
    this.writer.close();
  }

  progress(p: ProgressInfo): void {
    if (!this.events) return;
    const now = Date.now();
    const sps = this.rate.update(p.step, now);
    this.events.emit('training.onDidProgress', progressEvent(this.runId, p, this.lastValues, sps, (now - this.startedAt) / 1000));
  }
}
