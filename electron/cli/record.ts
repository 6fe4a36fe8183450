/**
 * Recording a run the CLI trains in its own process into the store: the same rows the queue
 * writes, so `lrlab run` on a GPU server shows up in the GUI that browses that store.
 */
import type { BackendReport } from '../../engine/backend';
import type { RunHooks } from '../../engine/experiments/types';
import type { CliRunResult } from '../../engine/cli/run';
import type { MetricWriter, RunStore } from '../../storage';
import { runtimeVersions } from '../main/host/provenance';
import * as tf from '@tensorflow/tfjs';

export interface Recorder {
  readonly hooks: RunHooks;
  finish(result: CliRunResult): void;
  fail(e: unknown): void;
}

export function startRecording(store: RunStore, runId: string, backend: BackendReport, opts: { resumedFrom: number | null; shouldStop: () => boolean }): Recorder {
  store.markRunning(runId, {
    pid: process.pid,
    backend: backend.name,
    versions: runtimeVersions(backend, tf.version.tfjs),
  });
  const writer: MetricWriter = store.metricWriter(runId);
  const hooks: RunHooks = {
    onMetrics: (m) => {
      if (opts.resumedFrom !== null && m.step <= opts.resumedFrom) return;
      writer.write(m);
    },
    onEvent: (e) => store.addEvent(runId, { kind: e.kind, step: e.step, epoch: e.epoch, message: e.message, data: (e.data ?? null) as never }),
    onCheckpoint: async (c) => {
      writer.flush();
      await store.saveCheckpoint(runId, c);
    },
    shouldStop: opts.shouldStop,
  };
  return {
    hooks,
    finish(result) {
      writer.close();
      store.finishRun(runId, result.status, {
        summary: { steps: result.steps, epochs: result.epochs, annealStep: result.anneal_step, stopReason: result.stop_reason, wallS: result.wall_s, final: result.final, collapsed: result.collapsed ?? false },
      });
    },
    fail(e) {
      const message = e instanceof Error ? e.message : String(e);
      try {
        writer.close();
      } finally {
        store.addEvent(runId, { kind: 'error', message });
        store.finishRun(runId, 'failed', { error: message });
      }
    },
  };
}
