import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend';
import type { Checkpoint, MetricRecord, RunEvent } from '../types';
import { SYNTHETIC_METRIC_KEYS } from './metrics';
import { runSyntheticExperiment } from './run';
import type { SyntheticSpecInput } from './spec';
import { SyntheticSpecSchema } from './spec';

function tinySpec(over: Partial<SyntheticSpecInput> = {}): SyntheticSpecInput {
  return {
    kind: 'synthetic',
    seed: 4,
    data: { d: 8, N: 64, q0: 0.5, testSize: 200 },
    model: { width: 16 },
    objective: { lambda: 0.001 },
    gradientNoise: { tauXi: 0.05 },
    init: { tau0: 0.1 },
    algorithm: { name: 'L-S', eta1: 0.5, eta2: 0.05, anneal: { mode: 'iteration', at: 20 }, eps2: 1e-6 },
    stopping: { maxIterations: 40 },
    logging: { every: 5, checkpointEvery: 1000 },
    ...over,
  };
}

async function collect(input: SyntheticSpecInput, opts: { resumeFrom?: Checkpoint; stopAfter?: number } = {}) {
  const metrics: MetricRecord[] = [];
  const events: RunEvent[] = [];
  const checkpoints: Checkpoint[] = [];
  let progress = 0;
  const result = await runSyntheticExperiment(
    SyntheticSpecSchema.parse(input),
    {
      onMetrics: (m) => metrics.push(m),
      onEvent: (e) => events.push(e),
      onCheckpoint: (c) => {
        checkpoints.push(c);
      },
      onProgress: (p) => {
        progress = p.step;
      },
      shouldStop: () => opts.stopAfter !== undefined && progress >= opts.stopAfter,
    },
    opts.resumeFrom ? { resumeFrom: opts.resumeFrom } : {},
  );
  return { result, metrics, events, checkpoints };
}

describe('runSyntheticExperiment', () => {
  beforeAll(async () => {
    await initBackend({ force: 'cpu' });
  });

  it('logs exactly the contract keys at every logging step and at the end', async () => {
    const { result, metrics } = await collect(tinySpec({ stopping: { maxIterations: 12 } }));
    expect(result.status).toBe('completed');
    expect(result.stopReason).toBe('max iterations');
    expect(metrics.map((m) => m.step)).toEqual([0, 5, 10, 12]);
    for (const m of metrics) expect(Object.keys(m.values).sort()).toEqual([...SYNTHETIC_METRIC_KEYS].sort());
    expect(Object.keys(result.final).sort()).toEqual([...SYNTHETIC_METRIC_KEYS].sort());
    const last = metrics.at(-1)!.values;
    expect(last['test/p_only/err']).toBeCloseTo(1 - last['test/p_only/acc']!, 12);
  });

  it('reproduces the same curves from the same spec', async () => {
    const a = await collect(tinySpec());
    const b = await collect(tinySpec());
    expect(b.metrics.map((m) => m.values)).toEqual(a.metrics.map((m) => m.values));
    const c = await collect(tinySpec({ seed: 5 }));
    expect(c.metrics.at(-1)!.values).not.toEqual(a.metrics.at(-1)!.values);
  });

  it('anneals at a fixed iteration', async () => {
    const { result, metrics, events } = await collect(tinySpec());
    expect(result.annealStep).toBe(20);
    expect(events.filter((e) => e.kind === 'anneal').map((e) => e.step)).toEqual([20]);
    expect(metrics.find((m) => m.step === 15)!.values['lr']).toBe(0.5);
    expect(metrics.find((m) => m.step === 25)!.values['lr']).toBe(0.05);
  });

  it('anneals L-S when L̂ first drops below ε1 + q·log 2', async () => {
    const spec = tinySpec({
      gradientNoise: { tauXi: 0 },
      algorithm: { name: 'L-S', eta1: 0.5, eta2: 0.05, anneal: { mode: 'loss-threshold', eps1: 0.1 }, eps2: 1e-6 },
      stopping: { maxIterations: 300 },
      logging: { every: 1, checkpointEvery: 1000 },
    });
    const { result, metrics, events } = await collect(spec);
    const info = events.find((e) => e.kind === 'info')!;
    const thr = info.data!['annealThreshold'] as number;
    expect(thr).toBeCloseTo(0.1 + (info.data!['q'] as number) * Math.LN2, 12);
    expect(result.annealStep).not.toBeNull();
    const t0 = result.annealStep!;
    expect(t0).toBeGreaterThan(0);
    const loss = (s: number) => metrics.find((m) => m.step === s)!.values['train/loss']!;
    expect(loss(t0)).toBeLessThan(thr + 1e-5);
    for (let s = 0; s < t0; s++) expect(loss(s)).toBeGreaterThan(thr - 1e-5);
    expect(metrics.find((m) => m.step === t0 + 1)!.values['lr']).toBe(0.05);
  });

  it('stops S at ε2′', async () => {
    const { result } = await collect(
      tinySpec({ algorithm: { name: 'S', eta2: 0.5, eps2prime: 0.6 }, gradientNoise: { tauXi: 0 }, stopping: { maxIterations: 500 } }),
    );
    expect(result.stopReason).toMatch(/ε2′/);
    expect(result.final['train/loss']).toBeLessThanOrEqual(0.6 + 1e-5);
    expect(result.annealStep).toBeNull();
  });

  it('adds pre-activation noise only in training and only until the noise anneal', async () => {
    const { result, metrics } = await collect(
      tinySpec({ algorithm: { name: 'S+noise', eta2: 0.2, noiseTau0: 0.3, annealAt: 10, eps2: 1e-6 }, stopping: { maxIterations: 20 } }),
    );
    expect(result.annealStep).toBe(10);
    expect(metrics.find((m) => m.step === 5)!.values['noise']).toBe(0.3);
    expect(metrics.find((m) => m.step === 10)!.values['noise']).toBe(0);
  });

  it('draws pre-activation noise shared across the batch by default, or per example when asked', async () => {
    const alg = { name: 'S+noise', eta2: 0.2, noiseTau0: 1, annealAt: 10, eps2: 1e-6 } as const;
    expect(SyntheticSpecSchema.parse(tinySpec({ algorithm: alg })).algorithm).toMatchObject({ noiseDraw: 'shared' });
    const shared = await collect(tinySpec({ algorithm: alg, stopping: { maxIterations: 20 } }));
    const again = await collect(tinySpec({ algorithm: { ...alg, noiseDraw: 'shared' }, stopping: { maxIterations: 20 } }));
    const perEx = await collect(tinySpec({ algorithm: { ...alg, noiseDraw: 'per-example' }, stopping: { maxIterations: 20 } }));
    expect(again.metrics.map((m) => m.values)).toEqual(shared.metrics.map((m) => m.values));
    // Same seed, same data and init: the curves part at the first noisy update, then noise-free ones after the anneal.
    expect(perEx.metrics[0]!.values).toEqual(shared.metrics[0]!.values);
    expect(perEx.metrics.find((m) => m.step === 5)!.values['train/loss']).not.toBe(shared.metrics.find((m) => m.step === 5)!.values['train/loss']);
    expect(perEx.metrics.find((m) => m.step === 5)!.values['noise']).toBe(1);
    expect(perEx.result.status).toBe('completed');
  });

  it('reports NaN in the loss as a divergence', async () => {
    const { result, events } = await collect(
      tinySpec({ algorithm: { name: 'S', eta2: 1e5, eps2prime: 1e-6 }, init: { tau0: 10 }, stopping: { maxIterations: 200 } }),
    );
    expect(result.status).toBe('diverged');
    expect(events.some((e) => e.kind === 'divergence')).toBe(true);
  });

  it('flags a run whose training loss stays at log 2 as collapsed; a learning run is not', async () => {
    // η far too small: nothing moves, the loss stays at chance for the whole budget.
    const stuck = await collect(tinySpec({ algorithm: { name: 'S', eta2: 1e-7, eps2prime: 1e-6 }, init: { tau0: 0.01 }, stopping: { maxIterations: 40 } }));
    expect(stuck.result.status).toBe('completed');
    expect(stuck.result.collapsed).toBe(true);
    const ev = stuck.events.filter((e) => e.kind === 'collapse');
    expect(ev).toHaveLength(1);
    expect(ev[0]?.data?.['collapse']).toBe('at-chance');
    expect(ev[0]?.step).toBe(20); // the first logged point from half the budget on
    const learns = await collect(tinySpec({ algorithm: { name: 'S', eta2: 0.5, eps2prime: 1e-6 }, gradientNoise: { tauXi: 0 }, stopping: { maxIterations: 200 }, logging: { every: 20, checkpointEvery: 1000 } }));
    expect(learns.result.final['train/loss']).toBeLessThan(0.6);
    expect(learns.result.collapsed).toBe(false);
    expect(learns.events.some((e) => e.kind === 'collapse')).toBe(false);
  });

  it('resumes from a checkpoint exactly as the uninterrupted run', async () => {
    const spec = tinySpec({
      algorithm: { name: 'S+noise', eta2: 0.2, noiseTau0: 0.3, annealAt: 15, eps2: 1e-6 },
      logging: { every: 5, checkpointEvery: 10 },
      stopping: { maxIterations: 30 },
    });
    const full = await collect(spec);
    const ck = full.checkpoints.find((c) => c.step === 10)!;
    expect(ck).toBeDefined();
    const resumed = await collect(spec, { resumeFrom: ck });
    expect(resumed.events.some((e) => e.kind === 'resume')).toBe(true);
    expect(resumed.metrics.map((m) => m.step)).toEqual([15, 20, 25, 30]);
    expect(resumed.metrics.map((m) => m.values)).toEqual(full.metrics.filter((m) => m.step > 10).map((m) => m.values));
    expect(resumed.result.annealStep).toBe(full.result.annealStep);
  });

  it('ends with status stopped when asked, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const { result } = await collect(tinySpec({ stopping: { maxIterations: 1000 } }), { stopAfter: 7 });
    expect(result.status).toBe('stopped');
    expect(result.steps).toBe(7);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs the conv variant and a minibatch', async () => {
    const { result } = await collect(
      tinySpec({ model: { width: 8, variant: 'two-layer-conv', patches: 2 }, minibatch: { size: 16 }, stopping: { maxIterations: 10 } }),
    );
    expect(result.status).toBe('completed');
    expect(Number.isFinite(result.final['train/loss'])).toBe(true);
  });
});
