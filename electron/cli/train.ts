/**
 * `lrlab run`, `sweep` and `resume`: the CLI trains through the store's run queue — the same
 * queue, worker processes and recording path (electron/main/training/) as the window and
 * `lrlab serve` — and follows its runs' progress.
 *
 * Who trains: when no host owns the store's queue, this process takes the queue lock for as
 * long as its runs train, and starts only its own runs. When a host owns it (an open window,
 * `lrlab serve`, another `lrlab run`), the runs are handed to that host's queue: the CLI says
 * who owns it and follows the runs through the store until they end (if the owner closes
 * first, the CLI takes the queue over and trains them itself).
 *
 * Signals: Ctrl-C (SIGINT) or SIGTERM stops the CLI's runs after their current step (they end
 * `stopped`, points kept) and exits 130 or 143; a second one quits at once (the runs end
 * `interrupted`, resumable). Runs handed to another host keep training there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSpec } from '../../engine/spec';
import { FINAL_RUN_STATUSES, type RunDetail, type RunStatus } from '../../storage';
import { createHost, type Host } from '../main/host/host';
import type { Progress, StatusChange } from '../api/schemas';
import type { EventName } from '../api/contract';
import { ProgressDisplay, type ProgressStream } from './progress';

/**
 * What `lrlab run --json` prints for each run (one object, or an array for a sweep): the run's
 * row as recorded, in the engine's result fields (RunResult) plus the run's identity. `final`
 * holds the last value of every metric (NaN and ±Infinity print as null).
 */
export interface CliRunOutput {
  /** The run's id in the store; null with --no-store (the run was not kept). */
  readonly runId: string | null;
  readonly name: string;
  readonly status: RunStatus;
  readonly error: string | null;
  readonly backend: string | null;
  readonly spec: unknown;
  readonly steps: number | null;
  readonly epochs: number | null;
  readonly annealStep: number | null;
  readonly stopReason: string | null;
  readonly wallS: number | null;
  readonly final: Readonly<Record<string, number>>;
  /** The engine flagged the run collapsed (training loss stuck at or back to chance); status may still be completed. */
  readonly collapsed: boolean;
  /** Where it trained: executor, worker pid, backend versions… (the run's provenance). */
  readonly provenance: Readonly<Record<string, string>> | null;
}

export function outputOf(d: RunDetail, keep: boolean): CliRunOutput {
  const final: Record<string, number> = { ...(d.summary?.final ?? {}) };
  // A run without a result (stopped early, failed) still reports its latest values.
  if (!d.summary?.final) for (const m of d.metrics) final[m.key] = m.last;
  return {
    runId: keep ? d.id : null,
    name: d.name,
    status: d.status,
    error: d.error,
    backend: d.backend,
    spec: d.spec,
    steps: d.steps ?? (d.metrics.length ? Math.max(...d.metrics.map((m) => m.lastStep)) : null),
    epochs: d.epochs,
    annealStep: d.annealStep,
    stopReason: d.stopReason,
    wallS: d.wallS,
    final,
    collapsed: d.summary?.collapsed === true,
    provenance: d.versions,
  };
}

/** JSON text of CLI outputs: NaN and ±Infinity (legal metric values) print as null. */
export function outputJson(x: CliRunOutput | readonly CliRunOutput[]): string {
  return JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

export interface TrainPlan {
  readonly spec: RunSpec;
  readonly preset?: string | null;
  /** Shown before each progress line (a sweep says which point). */
  readonly label?: string;
  /** A tag shared by the runs of one sweep. */
  readonly groupName?: string;
}

export interface TrainOptions {
  /** Store file; false: a temporary store, removed afterwards (`--no-store`). */
  readonly store: string | false | undefined;
  readonly backend?: string | undefined;
  readonly concurrency?: number | undefined;
  readonly stderr: ProgressStream;
  /** Test seam: how long to wait between looks at runs trained by another host. */
  readonly pollMs?: number;
}

export interface TrainOutcome {
  readonly outputs: CliRunOutput[];
  /** 130 (SIGINT) or 143 (SIGTERM) when a signal stopped the runs; null otherwise. */
  readonly signalExit: number | null;
}

/** The store's list of statuses a run ends with (storage/types.ts). */
const FINAL: readonly RunStatus[] = FINAL_RUN_STATUSES;
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/** Launches `plans` (or resumes `resumeId`) through the queue and waits until every run has ended. */
export async function trainThroughQueue(what: { plans: readonly TrainPlan[] } | { resumeId: string }, o: TrainOptions): Promise<TrainOutcome> {
  const temp = o.store === false ? mkdtempSync(join(tmpdir(), 'lrlab-nostore-')) : null;
  const display = new ProgressDisplay(o.stderr);
  const host = await createHost({
    mode: 'cli',
    storePath: temp ? join(temp, 'runs.sqlite') : o.store === false ? undefined : o.store,
    backend: o.backend ?? null,
    runQueue: false,
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
    log: (line) => display.log(line),
  });
  let signalExit: number | null = null;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    if (signalExit !== null) {
      // Second signal: quit now; the runs end interrupted and can be resumed.
      display.stop();
      o.stderr.write(`\nQuitting at once (${signal}); the runs are left interrupted: \`lrlab resume ID\` continues them.\n`);
      void host.close(`lrlab was stopped at once (${signal} twice).`).finally(() => process.exit(SIGNAL_EXIT[signal]));
      return;
    }
    signalExit = SIGNAL_EXIT[signal];
    display.stop();
    o.stderr.write(`\nStopping after this step (${signal}; again to quit at once, the runs then show as interrupted)…\n`);
    stopAll();
  };
  const sigint = () => onSignal('SIGINT');
  const sigterm = () => onSignal('SIGTERM');
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);

  const ids: string[] = [];
  const labels = new Map<string, string>();
  const stopAll = () => {
    for (const id of ids) {
      const status = host.store.getRun(id).status;
      if (host.queue.runningIds().includes(id) || status === 'queued') {
        try {
          host.queue.cancel(id);
        } catch (e) {
          display.log(`${labels.get(id) ?? id}: ${e instanceof Error ? e.message : String(e)}`);
        }
      } else if (status === 'running') {
        display.log(`${labels.get(id) ?? id} trains in another process (${host.store.getRun(id).host ?? '?'} pid ${host.store.getRun(id).pid ?? '?'}); stop it there.`);
      }
    }
  };

  try {
    if ('resumeId' in what) {
      const before = host.store.getRun(what.resumeId);
      await host.services.training.resume({ id: what.resumeId });
      const ckpt = before.checkpoints[0];
      o.stderr.write(ckpt ? `Resuming ${what.resumeId} from step ${ckpt.step}\n` : `Run ${what.resumeId} has no checkpoint: starting it again from step 0\n`);
      ids.push(what.resumeId);
      labels.set(what.resumeId, `[${before.name}]`);
    } else {
      for (const p of what.plans) {
        const r = await host.services.training.launch({
          spec: p.spec as unknown as Record<string, unknown>,
          ...(p.preset ? { preset: p.preset } : {}),
          ...(p.groupName ? { groupName: p.groupName } : {}),
        });
        for (const id of r.runIds) {
          ids.push(id);
          labels.set(id, p.label ?? `[${host.store.getRun(id).name}]`);
        }
        if (signalExit !== null) break;
      }
    }
    host.queue.limitTo(ids);
    const unsubscribe = follow(host, ids, labels, display);
    try {
      if (!host.queue.start()) {
        const owner = host.queue.owner;
        display.log(
          `The run queue of ${host.storePath} is owned by ${owner ? `${owner.ownerId} (pid ${owner.pid} on ${owner.host})` : 'another process'}: ` +
            `the run${ids.length === 1 ? ' is' : 's are'} handed to it, and followed here (Ctrl-C stops following; runs that already train there go on).`,
        );
      }
      await waitForEnd(host, ids, labels, display, () => signalExit !== null, o.pollMs ?? 500);
    } finally {
      unsubscribe();
      display.stop();
    }
    const outputs = ids.map((id) => outputOf(host.store.getRun(id), temp === null));
    for (const out of outputs) {
      const id = ids[outputs.indexOf(out)]!;
      o.stderr.write(
        `${labels.get(id)} ${out.status}${out.collapsed ? ' (collapsed)' : ''}${out.steps !== null ? ` after ${out.steps} steps` : ''}${out.stopReason ? ` (${out.stopReason})` : ''}` +
          `${out.annealStep !== null ? `; anneal ${out.annealStep}` : ''}${out.wallS !== null ? `; ${out.wallS.toFixed(1)} s` : ''}` +
          `${out.error ? `: ${out.error}` : ''}\n`,
      );
    }
    if (temp === null) o.stderr.write(`recorded in ${host.storePath}: ${ids.join(', ')}\n`);
    else o.stderr.write('not recorded (--no-store)\n');
    return { outputs, signalExit };
  } finally {
    process.off('SIGINT', sigint);
    process.off('SIGTERM', sigterm);
    await host.close(signalExit !== null ? 'lrlab was stopped by a signal while the run trained.' : 'lrlab ended while the run trained.');
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

/** Live progress and engine events of the runs this process trains (host events). */
function follow(host: Host, ids: readonly string[], labels: ReadonlyMap<string, string>, display: ProgressDisplay): () => void {
  const mine = new Set(ids);
  const seenEvents = new Map<string, number>();
  for (const id of ids) seenEvents.set(id, host.store.listEvents(id).length);
  return host.events.subscribe((event: EventName, payload: unknown) => {
    if (event === 'training.onDidProgress') {
      const p = payload as Progress;
      if (!mine.has(p.runId)) return;
      const loss = p.values['train/loss'];
      display.update(p.runId, labels.get(p.runId) ?? p.runId, {
        step: p.step,
        totalSteps: p.totalSteps,
        loss: typeof loss === 'number' ? loss : loss === undefined ? null : Number(loss),
        stepsPerS: p.stepsPerS,
      });
    } else if (event === 'training.onDidChangeStatus') {
      const s = payload as StatusChange;
      if (mine.has(s.runId) && s.status === 'running') {
        const r = host.store.getRun(s.runId);
        display.log(`${labels.get(s.runId)} running on ${r.backend ?? '?'} (run ${s.runId}, ${r.versions?.['executor'] ?? 'local'} worker pid ${r.versions?.['worker pid'] ?? '?'})`);
      }
    } else if (event === 'runs.onDidChange') {
      const c = payload as { runIds: string[] | null; reason: string };
      if (!c.reason.startsWith('event:')) return;
      for (const id of c.runIds ?? []) {
        if (!mine.has(id)) continue;
        const events = host.store.listEvents(id);
        for (const e of events.slice(seenEvents.get(id) ?? 0)) display.log(`${labels.get(id)} [${e.kind} @ ${e.step ?? '?'}] ${e.message}`);
        seenEvents.set(id, events.length);
      }
    }
  });
}

/** Waits until every run has ended; meanwhile reports runs trained by another host, and takes the queue over if that host goes. */
async function waitForEnd(
  host: Host,
  ids: readonly string[],
  labels: ReadonlyMap<string, string>,
  display: ProgressDisplay,
  stopping: () => boolean,
  pollMs: number,
): Promise<void> {
  const lastReport = new Map<string, string>();
  for (;;) {
    const rows = ids.map((id) => host.store.getRun(id));
    const open = rows.filter((r) => !FINAL.includes(r.status));
    if (open.length === 0) return;
    const elsewhere = open.filter((r) => !host.queue.runningIds().includes(r.id));
    // Runs trained by another host cannot be stopped from here: after a signal, stop following them.
    if (stopping() && elsewhere.length === open.length && elsewhere.every((r) => r.status === 'running')) return;
    if (!host.queue.ownsQueue) {
      host.queue.tryOwn();
      for (const r of elsewhere) {
        const step = r.metrics.length ? Math.max(...r.metrics.map((m) => m.lastStep)) : null;
        const line = `${r.status}${step !== null ? ` at step ${step}` : ''}`;
        if (lastReport.get(r.id) !== line) {
          lastReport.set(r.id, line);
          display.log(`${labels.get(r.id)} ${line}${r.status === 'running' ? ` in ${r.host ?? '?'} pid ${r.pid ?? '?'}` : ''}`);
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
