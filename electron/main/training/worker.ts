/**
 * A training worker: a child process that runs one experiment and reports over IPC.
 * Started by RunProcess (runProcess.ts); see protocol.ts for why it is a process.
 */
import { runExperiment } from '../../../engine/experiments';
import type { MetricRecord } from '../../../engine/experiments/types';
import type { HostToWorker, WorkerToHost } from './protocol';
import { startEngine } from './engineRun';

function send(msg: WorkerToHost): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, undefined, () => resolve());
  });
}

let stopRequested = false;
const checkpointAcks = new Map<number, () => void>();

// Metrics go out in small batches: at most every 100 ms, so IPC stays cheap however often
// an experiment logs.
let pending: MetricRecord[] = [];
let flushTimer: NodeJS.Timeout | null = null;
async function flushMetrics(): Promise<void> {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  if (pending.length === 0) return;
  const records = pending;
  pending = [];
  await send({ type: 'metrics', records });
}

// The host is gone (killed, crashed): nobody records this run any more, so stop.
process.on('disconnect', () => process.exit(1));

process.on('message', (raw: HostToWorker) => {
  if (raw.type === 'stop') stopRequested = true;
  else if (raw.type === 'checkpoint-saved') checkpointAcks.get(raw.step)?.();
  else if (raw.type === 'start') void run(raw);
});

async function run(msg: Extract<HostToWorker, { type: 'start' }>): Promise<void> {
  try {
    const { backend, versions } = await startEngine(msg.spec, msg.backend);
    await send({ type: 'started', provenance: { backend, versions } });
    let lastProgress = 0;
    const result = await runExperiment(
      msg.spec,
      {
        onMetrics: (m) => {
          pending.push(m);
          flushTimer ??= setTimeout(() => void flushMetrics(), 100);
        },
        onEvent: (event) => void flushMetrics().then(() => send({ type: 'event', event })),
        onProgress: (progress) => {
          const now = Date.now();
          if (now - lastProgress < 100) return; // ≤ 10 per second
          lastProgress = now;
          void send({ type: 'progress', progress });
        },
        onCheckpoint: async (checkpoint) => {
          // Durable before training goes on: wait until the host has written it.
          await flushMetrics();
          const saved = new Promise<void>((resolve) => checkpointAcks.set(checkpoint.step, resolve));
          await send({ type: 'checkpoint', checkpoint });
          await saved;
          checkpointAcks.delete(checkpoint.step);
        },
        shouldStop: () => stopRequested,
      },
      msg.resumeFrom ? { resumeFrom: msg.resumeFrom } : {},
    );
    await flushMetrics();
    await send({ type: 'end', result });
  } catch (e) {
    await flushMetrics().catch(() => {});
    await send({ type: 'error', message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? (e.stack ?? null) : null });
  }
  process.exit(0);
}
