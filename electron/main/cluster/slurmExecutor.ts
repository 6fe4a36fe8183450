/**
 * The Slurm executor: the queue's second way to run (executor.ts). Each batch the queue hands it
 * (the runs of one launch) becomes one `sbatch --array` whose task i runs `lrlab worker RUN_DIR`
 * on a node (runDir.ts, clusterWorker.ts). The ingester tails the run folders into the queue's
 * recorders, so cluster runs are recorded exactly as local ones.
 *
 * State: the run folders say how a run ended (an `end` or `error` line); `squeue` says whether
 * its task is still pending or running. A task Slurm no longer lists as pending/running whose
 * newest attempt has no last line was ended by Slurm (time limit, preemption, node failure,
 * kill -9): the run is `interrupted` and resumes from its checkpoint by resubmission. A cancel
 * writes the run folder's `cancel` marker, then `scancel`s the task: `stopped`. A task the
 * worker saw SIGTERM on without that marker (time limit, preemption) is `interrupted` too.
 *
 * Closing the host detaches (the jobs go on); a new host adopts the runs still `running` on
 * Slurm and the queued ones already submitted (submitted.json in their run folder).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Execution, ExecutionCallbacks, Executor, RunLaunch, RunOutcome } from '../training/executor';
import { Ingester, type IngestOutcome, type RunSink } from './ingester';
import { cancelMarker, clearCancelled, launchDirOf, markCancelled, runDirOf, writeFileDurably, writeRunFile } from './runDir';
import { attemptDirs } from './segments';
import { cancelTask, jobScript, preflight, submit, taskStates, type SlurmSettings, type TaskState } from './slurm';
import type { RunRow, RunStore } from '../../../storage';

export interface SlurmExecutorOptions {
  readonly store: RunStore;
  /** Defaults for every launch (settings file, CLI flags); a launch may override them (prepare()). */
  readonly settings: SlurmSettings & { readonly clusterDir: string };
  readonly log: (line: string) => void;
  /** How often run folders are read (default 250 ms). */
  readonly ingestEveryMs?: number;
  /** How often squeue is asked (default 2000 ms). */
  readonly stateEveryMs?: number;
  /** How long a task Slurm has ended may take to show its last line on a shared filesystem (default 5000 ms). */
  readonly settleMs?: number;
}

/** What a run folder records about its submission (the host re-attaches from it). */
interface Submitted {
  readonly launchId: string;
  readonly jobId: string;
  readonly taskIndex: number;
  /** The attempt folder the task's first start creates: older ones belong to earlier submissions. */
  readonly firstAttempt: number;
  readonly script: string;
  readonly partition: string | null;
  readonly clusterDir: string;
}

interface Tracked {
  readonly runId: string;
  readonly runDir: string;
  readonly sub: Submitted;
  readonly callbacks: ExecutionCallbacks;
  readonly where: Record<string, string>;
  resolve: (o: RunOutcome) => void;
  settled: boolean;
  /** When squeue first stopped listing the task as pending/running. */
  goneSince: number | null;
  lastState: TaskState | null;
}

const taskId = (s: Submitted): string => `${s.jobId}_${s.taskIndex}`;

function readSubmitted(runDir: string): Submitted | null {
  const f = join(runDir, 'submitted.json');
  if (!existsSync(f)) return null;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as Submitted;
  } catch {
    return null;
  }
}

export class SlurmExecutor implements Executor {
  readonly name = 'slurm';
  /** Slurm queues; the queue hands over everything (each launch's `--max-parallel` is the array's %N). */
  readonly capacity = 100_000;
  private readonly ingester: Ingester;
  private readonly tracked = new Map<string, Tracked>();
  private readonly perRun = new Map<string, SlurmSettings & { clusterDir: string }>();
  private stateTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: SlurmExecutorOptions) {
    this.ingester = new Ingester({
      store: o.store,
      log: o.log,
      pollMs: o.ingestEveryMs ?? 250,
      onProgressLag: (ms) => {
        if (this.lags.length < 1_000_000) this.lags.push(ms);
      },
    });
  }

  /** Live lags measured so far (ms from a node's progress line to the host handing it on). */
  readonly lags: number[] = [];

  get settings(): SlurmSettings & { readonly clusterDir: string } {
    return this.o.settings;
  }

  /**
   * Options of one launch (before its runs are queued): checked now, so a bad partition or an
   * unwritable folder is an error before anything is stored. Throws SlurmError.
   */
  check(over: SlurmSettings = {}): SlurmSettings & { clusterDir: string } {
    const s = { ...this.o.settings, ...stripUndefined(over) } as SlurmSettings & { clusterDir: string };
    preflight(s);
    return s;
  }

  /** Remembers the options of runs just queued for this executor (written to their run folders). */
  prepare(runIds: readonly string[], settings: SlurmSettings & { clusterDir: string }): void {
    for (const id of runIds) {
      this.perRun.set(id, settings);
      const dir = runDirOf(settings.clusterDir, id);
      mkdirSync(dir, { recursive: true });
      writeFileDurably(join(dir, 'options.json'), JSON.stringify(settings, null, 2));
    }
  }

  private settingsOf(runId: string): SlurmSettings & { clusterDir: string } {
    const known = this.perRun.get(runId);
    if (known) return known;
    const f = join(runDirOf(this.o.settings.clusterDir, runId), 'options.json');
    if (existsSync(f)) return JSON.parse(readFileSync(f, 'utf8')) as SlurmSettings & { clusterDir: string };
    return this.o.settings;
  }

  /** Batches waiting for the coalescing window (runs of one launch may reach us in several batches). */
  private pending: { launch: RunLaunch; callbacks: ExecutionCallbacks; settings: SlurmSettings & { clusterDir: string }; bind: (e: Execution) => void; fail: (m: string) => void }[] = [];
  private pendingTimer: NodeJS.Timeout | null = null;

  startBatch(batch: readonly { readonly launch: RunLaunch; readonly callbacks: ExecutionCallbacks }[]): Execution[] {
    return batch.map((b) => {
      const settings = this.settingsOf(b.launch.runId);
      const runDir = runDirOf(settings.clusterDir, b.launch.runId);
      const sub = readSubmitted(runDir);
      // Queued but already submitted (a host restart before the task started): attach, don't resubmit.
      if (sub && b.launch.resumeFrom === null && attemptDirs(runDir).length < sub.firstAttempt && this.alive(sub)) {
        return this.track(b.launch.runId, runDir, sub, b.callbacks);
      }
      return this.deferred(b.launch, b.callbacks, settings);
    });
  }

  /**
   * An execution whose job is submitted a moment later, together with every run queued in the
   * same ~100 ms with the same options: a comparison's three seed groups are one array.
   */
  private deferred(launch: RunLaunch, callbacks: ExecutionCallbacks, settings: SlurmSettings & { clusterDir: string }): Execution {
    let inner: Execution | null = null;
    let stopped = false;
    let detached = false;
    let resolve!: (o: RunOutcome) => void;
    const done = new Promise<RunOutcome>((r) => (resolve = r));
    const where: Record<string, string> = { executor: 'slurm', 'slurm job': 'submitting' };
    this.pending.push({
      launch,
      callbacks,
      settings,
      bind: (e) => {
        inner = e;
        Object.assign(where, e.where);
        void e.done.then(resolve);
        if (detached) e.detach?.();
        else if (stopped) e.stop(0);
      },
      fail: (message) => resolve({ kind: 'error', message, environment: false }),
    });
    this.pendingTimer ??= setTimeout(() => this.submitPending(), 100);
    return {
      runId: launch.runId,
      done,
      where,
      stop: (graceMs) => {
        stopped = true;
        inner?.stop(graceMs);
      },
      kill: () => {
        detached = true;
        if (inner) inner.kill();
        else resolve({ kind: 'crash', message: 'detached before submission', environment: true });
      },
      detach: () => {
        detached = true;
        if (inner) inner.detach?.();
      },
    };
  }

  private submitPending(): void {
    this.pendingTimer = null;
    const fresh = this.pending;
    this.pending = [];
    // One array per distinct set of options (one launch's runs share theirs).
    const groups = new Map<string, typeof fresh>();
    for (const f of fresh) {
      const key = JSON.stringify(f.settings);
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    for (const group of groups.values()) {
      try {
        this.submitGroup(group);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        this.o.log(`submitting ${group.length} run(s) to Slurm: ${message}`);
        for (const g of group) g.fail(message);
      }
    }
  }

  private submitGroup(group: readonly { launch: RunLaunch; callbacks: ExecutionCallbacks; settings: SlurmSettings & { clusterDir: string }; bind: (e: Execution) => void }[]): void {
    const settings = group[0]!.settings;
    const launchId = `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomUUID().slice(0, 6)}`;
    const launchDir = launchDirOf(settings.clusterDir, launchId);
    mkdirSync(launchDir, { recursive: true });
    const runDirs = group.map((g) => runDirOf(settings.clusterDir, g.launch.runId));
    group.forEach((g, i) => {
      writeRunFile(runDirs[i]!, {
        runId: g.launch.runId,
        spec: g.launch.spec,
        backend: g.launch.backend,
        // A resubmission names the checkpoint the store was cut back to (-1: none, start over).
        ...(existsSync(join(runDirs[i]!, 'submitted.json')) ? { resumeFromStep: g.launch.resumeFrom?.step ?? -1 } : {}),
      });
      clearCancelled(runDirs[i]!); // an earlier cancel does not apply to this submission
    });
    writeFileDurably(join(launchDir, 'tasks'), runDirs.join('\n') + '\n');
    const scriptPath = join(launchDir, 'job.sh');
    const script = jobScript({ launchId, launchDir, tasks: group.length, settings });
    writeFileDurably(scriptPath, script);
    const jobId = submit(scriptPath);
    writeFileDurably(join(launchDir, 'launch.json'), JSON.stringify({ launchId, jobId, runIds: group.map((g) => g.launch.runId), settings, submittedAt: Date.now() }, null, 2));
    group.forEach((g, i) => {
      const sub: Submitted = {
        launchId,
        jobId,
        taskIndex: i,
        firstAttempt: attemptDirs(runDirs[i]!).length + 1,
        script: scriptPath,
        partition: settings.partition ?? null,
        clusterDir: settings.clusterDir,
      };
      writeFileDurably(join(runDirs[i]!, 'submitted.json'), JSON.stringify(sub, null, 2));
      g.callbacks.event({
        kind: 'info',
        step: g.launch.resumeFrom?.step ?? 0,
        epoch: null,
        message: `Submitted to Slurm as job ${jobId}_${i}${settings.partition ? ` (partition ${settings.partition})` : ''}`,
        data: { executor: 'slurm', jobId, arrayTaskId: i, partition: settings.partition ?? null, clusterDir: settings.clusterDir, runDir: runDirs[i]!, jobScript: script },
      });
      g.bind(this.track(g.launch.runId, runDirs[i]!, sub, g.callbacks));
    });
  }

  /**
   * A new host adopts the runs a previous one left `running` on Slurm. Returns the runs it
   * took, with their executions (their recorders come from `callbacksFor`).
   */
  adopt(running: readonly RunRow[], callbacksFor: (runId: string) => ExecutionCallbacks): Execution[] {
    const out: Execution[] = [];
    for (const r of running) {
      if (r.versions?.['executor'] !== 'slurm') continue;
      const dir = r.versions['slurm run dir'];
      const sub = dir ? readSubmitted(dir) : null;
      if (!dir || !sub) continue;
      const exec = this.track(r.id, dir, sub, callbacksFor(r.id), true);
      (exec.where as Record<string, string>)['slurm attempt'] = r.versions['slurm attempt'] ?? '0';
      out.push(exec);
    }
    return out;
  }

  /** Automatic requeues this run's launch allows (`--requeue N`, `"requeue"` in the settings file). */
  autoRequeues(runId: string): number {
    try {
      return this.settingsOf(runId).requeue ?? 0;
    } catch {
      return 0;
    }
  }

  /** Runs this executor claims after a restart (recorded with executor 'slurm'). */
  owns(r: RunRow): boolean {
    return r.versions?.['executor'] === 'slurm';
  }

  private alive(sub: Submitted): boolean {
    try {
      const st = taskStates([sub.jobId]).get(taskId(sub));
      return st !== undefined && st.phase !== 'ended';
    } catch {
      return false;
    }
  }

  /** The run's provenance about automatic requeues: how many it had so far, of how many allowed. */
  private requeueFacts(runId: string): Record<string, string> {
    const allowed = this.autoRequeues(runId);
    let used = 0;
    try {
      used = this.o.store.getRun(runId).events.filter((e) => typeof e.data?.['autoRequeue'] === 'number').length;
    } catch {
      // not in this store (a test's bare executor)
    }
    return allowed > 0 || used > 0 ? { 'slurm auto requeues': `${used} of ${allowed}` } : {};
  }

  private track(runId: string, runDir: string, sub: Submitted, callbacks: ExecutionCallbacks, alreadyStarted = false): Execution {
    const where: Record<string, string> = {
      executor: 'slurm',
      'slurm job': taskId(sub),
      'slurm job script': sub.script,
      'slurm run dir': runDir,
      ...(sub.partition ? { 'slurm partition': sub.partition } : {}),
      ...this.requeueFacts(runId),
    };
    let resolve!: (o: RunOutcome) => void;
    const done = new Promise<RunOutcome>((r) => (resolve = r));
    const t: Tracked = { runId, runDir, sub, callbacks, where, resolve, settled: false, goneSince: null, lastState: null };
    this.tracked.set(runId, t);
    const sink: RunSink = {
      metrics: (records) => callbacks.metrics(records),
      event: (e) => callbacks.event(e),
      progress: (p) => callbacks.progress(p),
      checkpoint: (c) => callbacks.checkpoint(c),
      flush: () => undefined,
      close: () => undefined,
    };
    this.ingester.watch(
      runId,
      runDir,
      {
        onStarted: (start) => {
          const s = start.slurm;
          if (alreadyStarted) {
            // A re-read after adoption, or a Slurm requeue: the run is running already; say where it went.
            if (start.attempt > Number(where['slurm attempt'] ?? 0)) {
              where['slurm attempt'] = String(start.attempt);
              callbacks.event({ kind: 'info', step: start.resumedFrom ?? 0, epoch: null, message: `Slurm restarted the task (attempt ${start.attempt}${s.node ? ` on ${s.node}` : ''}), from ${start.resumedFrom === null ? 'the start' : `the checkpoint at step ${start.resumedFrom}`}`, data: { attempt: start.attempt, node: s.node, jobId: s.jobId } });
            }
            return;
          }
          alreadyStarted = true;
          Object.assign(where, {
            'slurm job': s.arrayJobId && s.arrayTaskId ? `${s.arrayJobId}_${s.arrayTaskId}` : taskId(sub),
            ...(s.jobId ? { 'slurm job id': s.jobId } : {}),
            ...(s.node ? { 'slurm node': s.node } : {}),
            ...(s.partition ? { 'slurm partition': s.partition } : {}),
            ...(s.gpus ? { 'slurm gpus': s.gpus } : {}),
            'slurm attempt': String(start.attempt),
          });
          callbacks.started({ backend: start.backend, versions: start.versions, where });
        },
        onOutcome: (o) => this.settle(t, this.outcomeOf(t, o)),
      },
      { fromAttempt: sub.firstAttempt, sink },
    );
    this.ingester.start();
    this.startStatePolling();
    return {
      runId,
      done,
      where,
      stop: () => {
        markCancelled(runDir);
        try {
          cancelTask(taskId(sub));
        } catch (e) {
          this.o.log(`cancelling ${taskId(sub)}: ${e instanceof Error ? e.message : String(e)}`);
        }
      },
      // The host is closing: the job goes on; a later host adopts it.
      kill: () => this.detach(t),
      detach: () => this.detach(t),
    };
  }

  private outcomeOf(t: Tracked, o: IngestOutcome): RunOutcome {
    if (o.kind === 'error') return { kind: 'error', message: o.message, environment: false };
    if (o.result.status === 'stopped' && o.signal && !existsSync(cancelMarker(t.runDir))) {
      const st = t.lastState;
      return {
        kind: 'crash',
        environment: true,
        message: `Slurm ended task ${taskId(t.sub)} (${o.signal}${st ? `, ${st.state}${st.reason ? ` ${st.reason}` : ''}` : ''}: time limit, preemption or scancel by someone else) after step ${o.result.steps}.`,
      };
    }
    return { kind: 'end', result: o.result };
  }

  private settle(t: Tracked, o: RunOutcome): void {
    if (t.settled) return;
    t.settled = true;
    this.tracked.delete(t.runId);
    try {
      this.ingester.unwatch(t.runId);
    } catch (e) {
      this.o.log(`reading the last lines of ${t.runId}: ${e instanceof Error ? e.message : String(e)}`);
    }
    t.resolve(o);
    if (this.tracked.size === 0) this.stopTimers();
  }

  private detach(t: Tracked): void {
    if (t.settled) return;
    t.settled = true;
    this.tracked.delete(t.runId);
    try {
      this.ingester.unwatch(t.runId);
    } catch {
      // closing
    }
    t.resolve({ kind: 'crash', message: 'detached: the Slurm job goes on', environment: true });
    if (this.tracked.size === 0) this.stopTimers();
  }

  private startStatePolling(): void {
    if (this.stateTimer) return;
    const every = this.o.stateEveryMs ?? 2000;
    this.stateTimer = setInterval(() => this.pollStates(), every);
    this.stateTimer.unref?.();
  }

  private stopTimers(): void {
    if (this.stateTimer) clearInterval(this.stateTimer);
    this.stateTimer = null;
    this.ingester.stop();
  }

  /** Asks squeue about every tracked task; settles those Slurm ended without a last line. */
  pollStates(): void {
    if (this.tracked.size === 0) return;
    let states: Map<string, TaskState>;
    try {
      states = taskStates([...new Set([...this.tracked.values()].map((t) => t.sub.jobId))]);
    } catch (e) {
      this.o.log(`asking Slurm for job states: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const now = Date.now();
    for (const t of [...this.tracked.values()]) {
      const st = states.get(taskId(t.sub)) ?? null;
      if (st) t.lastState = st;
      if (st && st.phase !== 'ended') {
        t.goneSince = null;
        continue;
      }
      t.goneSince ??= now;
      this.ingester.poll(t.runId); // the last lines, if the worker wrote them
      if (t.settled) continue;
      if (now - t.goneSince < (this.o.settleMs ?? 5000)) continue;
      const cancelled = existsSync(cancelMarker(t.runDir));
      const state = st ? `${st.state}${st.reason ? `, ${st.reason}` : ''}` : 'no longer listed by squeue';
      this.settle(t, {
        kind: 'crash',
        environment: !cancelled,
        message: cancelled ? `cancelled (scancel ${taskId(t.sub)})` : `Slurm ended task ${taskId(t.sub)} (${state}) before the run finished: time limit, preemption, node failure or a killed process.`,
      });
    }
  }

  async close(): Promise<void> {
    // Runs not submitted yet stay queued in the store for the next host.
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    this.pendingTimer = null;
    this.pending = [];
    for (const t of [...this.tracked.values()]) this.detach(t);
    this.stopTimers();
    this.ingester.close();
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
