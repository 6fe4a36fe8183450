import { describe, expect, it } from 'vitest';
import { ImageSpecSchema } from '../experiments/image/spec';
import { runSpecJsonSchema } from '../spec';
import { imagePresets } from './image';

const get = (name: string) => {
  const p = imagePresets.find((x) => x.name === name);
  if (!p) throw new Error(name);
  return ImageSpecSchema.parse({ ...p.spec, seed: 1 });
};

describe('image presets', () => {
  it('all parse, and the JSON schema of RunSpec builds', () => {
    for (const p of imagePresets) expect(() => ImageSpecSchema.parse({ ...p.spec, seed: 1 })).not.toThrow();
    expect(JSON.stringify(runSpecJsonSchema())).toContain('σ_z');
  });

  it('copy the optimizer and schedule table (docs/paper.md §2.4)', () => {
    const large = get('patch-cifar-large-lr');
    expect(large.model).toEqual({ arch: 'wrn', depth: 16, widen: 10 });
    expect(large.epochs).toBe(60);
    expect(large.optim).toMatchObject({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4, batchSize: 128 });
    expect(large.lrSchedule).toEqual({ kind: 'step', atEpoch: 30, factor: 0.04 });
    expect(large.patch).toMatchObject({ sigmaZ: 1.25, beta: 0.1, alphaMax: 1.75, patchSize: 7, pPatched: 0.8, pPatchOnly: 0.2 });
    expect(get('patch-cifar-small-lr').optim.lr).toBe(0.004);
    expect(get('patch-cifar-noise').noiseSchedule).toEqual({ kind: 'step', std: 0.4, atEpoch: 30, factor: 1e-5 });
    const t1 = get('cifar-small-lr-noise');
    expect(t1.epochs).toBe(200);
    expect(t1.patch.enabled).toBe(false);
    expect(t1.optim.lr).toBe(0.01);
    expect(t1.lrSchedule).toEqual({ kind: 'multi-step', milestones: [60, 120, 150], gamma: 0.2 });
    expect(t1.noiseSchedule).toEqual({ kind: 'exp-iteration', std: 0.2, rate: 0.995 });
    expect(get('cifar-large-lr').optim.lr).toBe(0.1);
  });

  it('CPU-scale trio shares data, patch and model, and anneals LR and noise at the same epoch', () => {
    const [l, s, n] = ['patch-fmnist-large-lr', 'patch-fmnist-small-lr', 'patch-fmnist-noise'].map(get) as [ReturnType<typeof get>, ReturnType<typeof get>, ReturnType<typeof get>];
    expect(s.patch).toEqual(l.patch);
    expect(n.patch).toEqual(l.patch);
    expect(s.model).toEqual(l.model);
    expect(s.dataset).toEqual(l.dataset);
    expect(l.lrSchedule.kind === 'step' && n.noiseSchedule.kind === 'step' && l.lrSchedule.atEpoch === n.noiseSchedule.atEpoch).toBe(true);
    expect(s.optim.lr).toBe(n.optim.lr);
    expect(l.lrSchedule.kind === 'step' ? l.optim.lr * l.lrSchedule.factor : NaN).toBeCloseTo(s.optim.lr, 12);
  });

  it('CPU-scale trio has the calibrated values (research/image/CALIBRATION.md, round 5): β 0.6, LR 0.1 → 0.01 and noise 0.8 → 8e-6 from epoch 3 of 20, width 8', () => {
    const [l, s, n] = ['patch-fmnist-large-lr', 'patch-fmnist-small-lr', 'patch-fmnist-noise'].map(get) as [ReturnType<typeof get>, ReturnType<typeof get>, ReturnType<typeof get>];
    expect(l.patch).toMatchObject({ enabled: true, sigmaZ: 1.25, beta: 0.6, alphaMax: 1.75, patchSize: 7, pPatched: 0.8, pPatchOnly: 0.2 });
    expect(l.model).toEqual({ arch: 'small-cnn', width: 8 });
    for (const p of [l, s, n]) expect(p.epochs).toBe(20);
    expect(l.optim.lr).toBe(0.1);
    expect(l.lrSchedule.kind === 'step' && l.lrSchedule.atEpoch).toBe(3);
    expect(l.lrSchedule.kind === 'step' && l.lrSchedule.factor).toBeCloseTo(0.1, 12);
    expect(s.optim.lr).toBe(0.01);
    expect(s.lrSchedule).toEqual({ kind: 'constant' });
    expect(n.noiseSchedule).toEqual({ kind: 'step', std: 0.8, atEpoch: 3, factor: 1e-5 });
    expect(l.noiseSchedule).toEqual({ kind: 'none' });
    expect(s.noiseSchedule).toEqual({ kind: 'none' });
    expect(imagePresets.find((p) => p.name === 'patch-fmnist-noise')?.title).toBe('Patch Fashion-MNIST, small CNN: small LR + noise 0.8 → 8e-6 from epoch 3');
  });
});
