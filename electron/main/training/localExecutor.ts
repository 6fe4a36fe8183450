/**
 * The local executor: each run trains in its own worker process on this machine (runProcess.ts,
 * worker.ts). Runs side by side split the cores instead of each starting a thread per core.
 */
import { cpus } from 'node:os';
import type { Execution, ExecutionCallbacks, Executor, RunLaunch } from './executor';
import { RunProcess, workerEntry } from './runProcess';

export function defaultConcurrency(backend: string | null): number {
  const n = cpus().length;
  if (backend === 'tensorflow-gpu' || n <= 2) return 1;
  return Math.max(1, Math.floor(n / 2));
}

export class LocalExecutor implements Executor {
  readonly name = 'local';

  constructor(readonly capacity: number) {}

  startBatch(batch: readonly { readonly launch: RunLaunch; readonly callbacks: ExecutionCallbacks }[]): Execution[] {
    return batch.map(({ launch, callbacks }) => this.start(launch, callbacks));
  }

  private start(launch: RunLaunch, cb: ExecutionCallbacks): Execution {
    const where: Record<string, string> = { executor: 'local' };
    const proc = new RunProcess(launch.runId, launch.spec, {
      backend: launch.backend,
      resumeFrom: launch.resumeFrom,
      wasmThreads: Math.max(1, Math.floor(cpus().length / this.capacity)),
      handlers: {
        onStarted: (p) => cb.started({ backend: p.backend, versions: p.versions, where }),
        onMetrics: (records) => cb.metrics(records),
        onEvent: (e) => cb.event(e),
        onProgress: (p) => cb.progress(p),
        onCheckpoint: (c) => cb.checkpoint(c),
      },
    });
    where['worker pid'] = String(proc.pid ?? '?');
    where['worker'] = workerEntry().file;
    return {
      runId: launch.runId,
      done: proc.done,
      stop: (graceMs) => proc.stop(graceMs),
      kill: () => proc.kill(),
      where,
    };
  }
}
