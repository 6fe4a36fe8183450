/**
 * `lrlab worker RUN_DIR`: trains one run on a cluster node, as the local worker does (same
 * engine start, same runExperiment), but reports by appending fsynced segments to a new attempt
 * folder of RUN_DIR instead of IPC to a host. It resumes from the run folder's latest checkpoint
 * when there is one (a Slurm requeue or a resubmission after `interrupted`).
 *
 * SIGTERM (scancel, time limit, preemption: Slurm sends it before SIGKILL) stops the run after its
 * current step and writes `end` with the signal; the host decides whether that is `stopped` (it
 * asked for the cancel) or `interrupted` (Slurm did).
 */
import { runExperiment } from '../../../engine/experiments';
import { readStoredRunSpec } from '../../../engine/spec';
import { startEngine } from '../training/engineRun';
import { checkpointIn, latestCheckpointIn, newAttemptDir, readCheckpointFile, readRunFile, writeCheckpointFile } from './runDir';
import { metricLine, SegmentWriter, type SlurmFacts } from './segments';

export function slurmFacts(env: NodeJS.ProcessEnv = process.env): SlurmFacts {
  const s = (k: string): string | null => env[k] ?? null;
  return {
    jobId: s('SLURM_JOB_ID'),
    arrayJobId: s('SLURM_ARRAY_JOB_ID'),
    arrayTaskId: s('SLURM_ARRAY_TASK_ID'),
    node: s('SLURMD_NODENAME'),
    partition: s('SLURM_JOB_PARTITION'),
    gpus: s('SLURM_JOB_GPUS') ?? s('CUDA_VISIBLE_DEVICES'),
    restartCount: Number(env['SLURM_RESTART_COUNT'] ?? 0),
  };
}

/** Trains the run in `runDir`; resolves with the process exit code (0 = the run ended by itself or was stopped). */
export async function runClusterWorker(runDir: string): Promise<number> {
  const run = readRunFile(runDir);
  const spec = readStoredRunSpec(run.spec).spec;
  const { dir, attempt } = newAttemptDir(runDir);
  const out = new SegmentWriter(dir);
  let signal: string | null = null;
  const onSignal = (name: string) => () => {
    signal ??= name;
  };
  process.on('SIGTERM', onSignal('SIGTERM'));
  process.on('SIGINT', onSignal('SIGINT'));
  process.on('SIGUSR1', onSignal('SIGUSR1'));
  // Lines reach the shared filesystem at most ~100 ms after they are logged.
  const timer = setInterval(() => out.flush(), 100);
  try {
    // A resubmission names the checkpoint the store was cut back to; a Slurm requeue takes the latest.
    const from = run.resumeFromStep;
    const ckpt = from === undefined || from === null ? latestCheckpointIn(runDir) : from < 0 ? null : checkpointIn(runDir, from);
    const resumeFrom = ckpt ? readCheckpointFile(ckpt) : null;
    const { backend, versions } = await startEngine(spec, run.backend);
    out.append({ t: 'start', attempt, at: Date.now(), backend, versions, slurm: slurmFacts(), resumedFrom: resumeFrom?.step ?? null });
    out.flush();
    let lastProgress = 0;
    const result = await runExperiment(
      spec,
      {
        onMetrics: (m) => out.append(metricLine(m)),
        onEvent: (event) => {
          out.append({ t: 'ev', event });
          out.flush();
        },
        onProgress: (p) => {
          const now = Date.now();
          if (now - lastProgress < 100) return;
          lastProgress = now;
          out.append({ t: 'p', p, at: now });
        },
        onCheckpoint: (c) => {
          // Durable (file fsynced and renamed, line fsynced) before training goes on.
          out.flush();
          const file = writeCheckpointFile(dir, c);
          out.append({ t: 'c', step: c.step, epoch: c.epoch, file, bytes: c.bytes.length });
          out.flush();
        },
        shouldStop: () => signal !== null,
      },
      resumeFrom ? { resumeFrom } : {},
    );
    out.append({ t: 'end', result, signal });
    return 0;
  } catch (e) {
    out.append({ t: 'error', message: e instanceof Error ? e.message : String(e) });
    return 1;
  } finally {
    clearInterval(timer);
    out.close();
  }
}
