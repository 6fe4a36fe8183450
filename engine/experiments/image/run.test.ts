import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend';
import type { Checkpoint, MetricRecord, RunEvent } from '../types';
import { readCheckpointHeader } from './checkpoint';
import { IMAGE_METRIC_KEYS } from './metrics';
import { runImageExperiment } from './run';
import { ImageSpecSchema } from './spec';
import type { ImageSpecInput } from './spec';
import { brightRowImages } from './testFixtures';

beforeAll(async () => {
  await initBackend({ force: 'cpu' });
});

function spec(over: Partial<ImageSpecInput> = {}) {
  return ImageSpecSchema.parse({
    kind: 'image',
    seed: 3,
    backend: 'cpu',
    dataset: { name: 'mnist' },
    patch: { patchSize: 3, patchOnlyValCount: 20, sigmaZ: 1, beta: 0.5 },
    model: { arch: 'small-cnn', width: 2 },
    optim: { lr: 0.05, batchSize: 16 },
    lrSchedule: { kind: 'step', atEpoch: 2, factor: 0.1 },
    noiseSchedule: { kind: 'step', std: 0.3, atEpoch: 2, factor: 0.01 },
    epochs: 3,
    ...over,
  });
}

describe('image experiment', () => {
  it('records every metric key per epoch, checkpoints each epoch, and resumes with identical metrics', async () => {
    const ds = brightRowImages();
    const n0 = tf.memory().numTensors;
    const full: MetricRecord[] = [];
    const checkpoints: Checkpoint[] = [];
    const events: RunEvent[] = [];
    const r = await runImageExperiment(spec(), { onMetrics: (m) => full.push(m), onCheckpoint: (c) => void checkpoints.push(c), onEvent: (e) => events.push(e) }, { dataset: ds });
    expect(tf.memory().numTensors).toBe(n0);
    expect(r.status).toBe('completed');
    expect(r.steps).toBe(18);
    expect(full).toHaveLength(3);
    expect(Object.keys(full[0]?.values ?? {}).sort()).toEqual([...IMAGE_METRIC_KEYS].sort());
    // atEpoch 2: the 2nd epoch (1-based) already runs at the new values, as in the authors' code.
    expect(full.map((m) => m.values['lr'])).toEqual([0.05, expect.closeTo(0.005, 12), expect.closeTo(0.005, 12)]);
    expect(full.map((m) => m.values['noise'])).toEqual([0.3, expect.closeTo(0.003, 12), expect.closeTo(0.003, 12)]);
    expect(r.annealStep).toBe(6);
    expect(events.filter((e) => e.kind === 'anneal')).toHaveLength(1);
    expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3]);
    expect(readCheckpointHeader(checkpoints[0]?.bytes ?? new Uint8Array()).step).toBe(6);

    const resumed: MetricRecord[] = [];
    const r2 = await runImageExperiment(spec(), { onMetrics: (m) => resumed.push(m) }, { dataset: ds, resumeFrom: checkpoints[0] });
    expect(r2.status).toBe('completed');
    expect(r2.annealStep).toBe(6);
    expect(resumed.map((m) => [m.step, m.epoch, m.values])).toEqual(full.slice(1).map((m) => [m.step, m.epoch, m.values]));
    expect(tf.memory().numTensors).toBe(n0);
  });

  it('logs train metrics every n iterations when asked', async () => {
    const recs: MetricRecord[] = [];
    await runImageExperiment(spec({ epochs: 1, logging: { everyIterations: 2 } }), { onMetrics: (m) => recs.push(m) }, { dataset: brightRowImages() });
    expect(recs.map((m) => m.step)).toEqual([2, 4, 6]);
    expect(Object.keys(recs[0]?.values ?? {}).sort()).toEqual(['lr', 'noise', 'train/acc', 'train/loss']);
    expect(recs[2]?.values['val/clean/acc']).toBeDefined();
  });

  it('ends as diverged (not a throw) when the loss is not finite', async () => {
    const events: RunEvent[] = [];
    // std 0 makes the normalized input infinite, so the first loss is NaN.
    const r = await runImageExperiment(spec(), { onEvent: (e) => events.push(e) }, { dataset: brightRowImages({ std: 0 }) });
    expect(r.status).toBe('diverged');
    expect(r.steps).toBe(1);
    expect(events.some((e) => e.kind === 'divergence')).toBe(true);
  });

  it('flags a run whose learning rate is far too large as collapsed (event + result flag), and a healthy one not', async () => {
    const events: RunEvent[] = [];
    const bad = await runImageExperiment(
      spec({ optim: { lr: 50, batchSize: 16 }, lrSchedule: { kind: 'constant' }, noiseSchedule: { kind: 'none' }, epochs: 3 }),
      { onEvent: (e) => events.push(e) },
      { dataset: brightRowImages() },
    );
    expect(bad.status).toBe('completed');
    expect(bad.collapsed).toBe(true);
    expect(bad.stopReason).toMatch(/collapsed/);
    expect(events.filter((e) => e.kind === 'collapse')).toHaveLength(1);
    const good = await runImageExperiment(spec({ noiseSchedule: { kind: 'none' } }), {}, { dataset: brightRowImages() });
    expect(good.status).toBe('completed');
    expect(good.collapsed).toBe(false);
  });

  it('does not flag a run trained with strong noise whose noisy training loss sits above chance while it learns', async () => {
    // σ 1.5 through every epoch: the epoch-mean training loss (measured with the noise on) stays
    // above log C, which the loss-only rule reads as "at chance", but the clean validation
    // accuracy (noise-free) shows the network learning.
    const recs: MetricRecord[] = [];
    const events: RunEvent[] = [];
    const r = await runImageExperiment(
      spec({ model: { arch: 'small-cnn', width: 8 }, lrSchedule: { kind: 'constant' }, noiseSchedule: { kind: 'step', std: 1.5, atEpoch: 10, factor: 0.01 }, epochs: 3 }),
      { onMetrics: (m) => recs.push(m), onEvent: (e) => events.push(e) },
      { dataset: brightRowImages() },
    );
    const chance = Math.log(4);
    expect(recs.map((m) => m.values['train/loss'] ?? 0).every((l) => l >= 0.95 * chance)).toBe(true);
    expect(recs[1]?.values['val/clean/acc']).toBeGreaterThan(0.9);
    expect(r.collapsed).toBe(false);
    expect(events.filter((e) => e.kind === 'collapse')).toEqual([]);
  });

  it('stops when asked, and runs without the patch (no patch metrics)', async () => {
    let calls = 0;
    const r = await runImageExperiment(spec(), { shouldStop: () => ++calls > 4 }, { dataset: brightRowImages() });
    expect(r.status).toBe('stopped');
    expect(r.steps).toBe(4);
    const recs: MetricRecord[] = [];
    await runImageExperiment(spec({ epochs: 1, patch: { enabled: false } }), { onMetrics: (m) => recs.push(m) }, { dataset: brightRowImages() });
    expect(Object.keys(recs[0]?.values ?? {}).sort()).toEqual(['lr', 'noise', 'train/acc', 'train/loss', 'val/clean/acc', 'val/clean/loss']);
  });

  it('refuses a checkpoint from another model', async () => {
    const cps: Checkpoint[] = [];
    await runImageExperiment(spec({ epochs: 1 }), { onCheckpoint: (c) => void cps.push(c) }, { dataset: brightRowImages() });
    await expect(runImageExperiment(spec({ model: { arch: 'small-cnn', width: 3 } }), {}, { dataset: brightRowImages(), resumeFrom: cps[0] })).rejects.toThrow(/shape|Checkpoint/);
  });
});
