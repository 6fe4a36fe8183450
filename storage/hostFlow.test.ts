// How a host wires an engine run to the store, typed against the engine's run contract.
import { afterEach, describe, expect, it } from 'vitest';
import type { Checkpoint, MetricRecord, RunEvent, RunHooks, RunResult } from '../engine/experiments/types';
import { openStore, type RunStore } from './index';
import { sampleRun } from './test-fixtures/helpers';

let store: RunStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

/** A stand-in for an engine experiment: logs, anneals, checkpoints, then ends. */
async function fakeExperiment(hooks: RunHooks): Promise<RunResult> {
  for (let step = 0; step < 100; step++) {
    const m: MetricRecord = { step, epoch: null, wallTimeMs: step, values: { 'train/loss': 1 / (step + 1), lr: step < 50 ? 0.1 : 0.01 } };
    hooks.onMetrics?.(m);
    if (step === 50) {
      const e: RunEvent = { kind: 'anneal', step, epoch: null, message: 'η 0.1 → 0.01', data: { from: 0.1, to: 0.01 } };
      hooks.onEvent?.(e);
      const c: Checkpoint = { step, epoch: null, bytes: new Uint8Array([step]) };
      await hooks.onCheckpoint?.(c);
    }
  }
  return { status: 'completed', steps: 100, epochs: null, annealStep: 50, stopReason: 'max iterations', wallS: 0.1, final: { 'train/loss': 0.01 } };
}

describe('host flow', () => {
  it('records a whole run through the engine hooks', async () => {
    store = openStore(':memory:');
    const s = store;
    const { id } = s.createRun(sampleRun());
    s.markRunning(id, { backend: 'cpu', versions: { tfjs: '4.22.0' } });
    const writer = s.metricWriter(id);
    const result = await fakeExperiment({
      onMetrics: (m) => writer.write(m),
      onEvent: (e) => s.addEvent(id, e),
      onCheckpoint: async (c) => void (await s.saveCheckpoint(id, c)),
    });
    writer.close();
    s.finishRun(id, result.status, { summary: result });
    const run = s.getRun(id);
    expect(run).toMatchObject({ status: 'completed', steps: 100, annealStep: 50, stopReason: 'max iterations' });
    expect(run.events.map((e) => e.kind)).toEqual(['anneal']);
    expect(run.metrics.map((m) => [m.key, m.nPoints, m.last])).toEqual([
      ['lr', 100, 0.01],
      ['train/loss', 100, 0.01],
    ]);
    expect((await s.latestCheckpoint(id))?.step).toBe(50);
  });
});
