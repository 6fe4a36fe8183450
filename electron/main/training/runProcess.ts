/** The host's handle on one training worker process. */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSpec } from '../../../engine/spec';
import type { Checkpoint, MetricRecord, ProgressInfo, RunEvent } from '../../../engine/experiments/types';
import { EnvironmentFault, type RunOutcome } from './executor';
import type { HostToWorker, WorkerProvenance, WorkerToHost } from './protocol';

export type { RunOutcome } from './executor';

/** Signals that mean someone outside LR Lab ended the worker (the OS's out-of-memory killer, an admin). */
const OUTSIDE_SIGNALS = new Set(['SIGKILL', 'SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT']);

export interface RunProcessHandlers {
  onStarted(p: WorkerProvenance): void;
  onMetrics(records: readonly MetricRecord[]): void;
  onEvent(e: RunEvent): void;
  onProgress(p: ProgressInfo): void;
  /** Must make the checkpoint durable; the worker waits for it. */
  onCheckpoint(c: Checkpoint): Promise<void> | void;
}

/**
 * Where the worker's code is: next to the built main (out/main/worker.js), or, when the host
 * runs from source (tests, tsx), the TypeScript file run through tsx.
 */
export function workerEntry(): { file: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  // Built: this code sits in out/main/ or in a shared chunk under out/main/chunks/.
  const built = [join(here, 'worker.js'), join(here, '..', 'worker.js')];
  for (const file of built) if (existsSync(file)) return { file, execArgv: [] };
  const source = join(here, 'worker.ts');
  if (existsSync(source)) return { file: source, execArgv: ['--import', 'tsx'] };
  throw new Error(`The training worker is missing (looked for ${[...built, source].join(', ')}). Run \`npm run build\`.`);
}

export class RunProcess {
  readonly done: Promise<RunOutcome>;
  private readonly child: ChildProcess;
  private killTimer: NodeJS.Timeout | null = null;
  /** Set when this host killed the worker itself (stop timeout, close, a failed checkpoint). */
  private killedHere = false;

  constructor(
    readonly runId: string,
    spec: RunSpec,
    options: {
      backend: string | null;
      resumeFrom: Checkpoint | null;
      handlers: RunProcessHandlers;
      /** This run's share of the cores (XNNPACK threads, oneDNN's OpenMP threads) unless the environment sets them. */
      wasmThreads?: number;
    },
  ) {
    const entry = workerEntry();
    // This run's share of the cores for XNNPACK's threads and oneDNN's OpenMP pool, unless set.
    const share = options.wasmThreads === undefined ? null : String(options.wasmThreads);
    const threads = {
      ...(share && !process.env['LRLAB_WASM_THREADS'] ? { LRLAB_WASM_THREADS: share } : {}),
      ...(share && !process.env['OMP_NUM_THREADS'] ? { OMP_NUM_THREADS: share } : {}),
    };
    this.child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: { ...process.env, ...threads, ELECTRON_RUN_AS_NODE: '1' },
    });
    let stderrTail = '';
    this.child.stderr?.on('data', (b: Buffer) => {
      stderrTail = (stderrTail + b.toString()).slice(-4000);
    });
    const h = options.handlers;
    let outcome: RunOutcome | null = null;
    this.done = new Promise<RunOutcome>((resolve) => {
      this.child.on('message', (msg: WorkerToHost) => {
        switch (msg.type) {
          case 'started':
            return h.onStarted(msg.provenance);
          case 'metrics':
            return h.onMetrics(msg.records);
          case 'event':
            return h.onEvent(msg.event);
          case 'progress':
            return h.onProgress(msg.progress);
          case 'checkpoint':
            void Promise.resolve(h.onCheckpoint(msg.checkpoint)).then(
              () => this.send({ type: 'checkpoint-saved', step: msg.checkpoint.step }),
              (e: unknown) => {
                outcome = {
                  kind: 'error',
                  message: `Saving the checkpoint at step ${msg.checkpoint.step} failed: ${e instanceof Error ? e.message : String(e)}`,
                  environment: e instanceof EnvironmentFault,
                };
                this.kill();
              },
            );
            return;
          case 'end':
            outcome = { kind: 'end', result: msg.result };
            return;
          case 'error':
            outcome = { kind: 'error', message: msg.message, environment: false };
            return;
        }
      });
      this.child.on('exit', (code, signal) => {
        if (this.killTimer) clearTimeout(this.killTimer);
        const lastLine = stderrTail.trim().split('\n').slice(-3).join(' | ');
        resolve(
          outcome ?? {
            kind: 'crash',
            message: `The training worker exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})${lastLine ? `: ${lastLine}` : ''}.`,
            // Killed from outside (e.g. by the OS when memory ran out): not the run's fault.
            environment: signal !== null && !this.killedHere && OUTSIDE_SIGNALS.has(signal),
          },
        );
      });
      this.child.on('error', (e) => {
        outcome ??= { kind: 'crash', message: `The training worker could not start: ${e.message}`, environment: false };
      });
    });
    this.send({ type: 'start', runId, spec, backend: options.backend, resumeFrom: options.resumeFrom });
  }

  get pid(): number | null {
    return this.child.pid ?? null;
  }

  private send(msg: HostToWorker): void {
    if (this.child.connected) this.child.send(msg);
  }

  /** Asks the run to stop after its current step; kills it if it has not ended within graceMs. */
  stop(graceMs = 20_000): void {
    this.send({ type: 'stop' });
    this.killTimer ??= setTimeout(() => this.kill(), graceMs);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.killedHere = true;
      this.child.kill('SIGKILL');
    }
  }
}
