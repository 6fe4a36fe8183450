import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { RunSpecSchema, parseRunSpec } from '../spec';
import { presetSpec } from '../presets';
import { BUILTIN_KINDS, createRegistry, experiments } from './registry';
import { SYNTHETIC_METRIC_KEYS } from './synthetic/metrics';
import { IMAGE_METRIC_KEYS } from './image/metrics';
import { syntheticSchedule } from './synthetic/schedule';

describe('experiment-kind registry', () => {
  it('lists the same kinds, in the same order, as the RunSpec union the api types', () => {
    expect(experiments.kinds.map((k) => k.specSchema)).toEqual(RunSpecSchema.options);
  });

  it('gives every kind metric info for exactly its metric keys, and defaults drawn from them', () => {
    const keys: Record<string, readonly string[]> = { synthetic: SYNTHETIC_METRIC_KEYS, image: IMAGE_METRIC_KEYS };
    for (const k of experiments.kinds) {
      const mine = k.metrics.map((m) => m.key);
      expect(mine).toEqual(keys[k.kind]);
      for (const key of [...k.defaultColumns, ...k.defaultPanels, ...k.layouts.flatMap((l) => l.panels)]) expect(mine).toContain(key);
      expect(k.fields.filter((f) => f.condition)).toHaveLength(1);
      for (const f of k.fields) expect(f.label).not.toBe('');
      // The condition field is labelled as a field ("Algorithm"), not with one of its values ("L-S").
      const cond = k.fields.find((f) => f.condition);
      expect(k.conditions).not.toContain(cond?.label);
      expect(cond?.label).not.toBe('None');
    }
    // Only the image kind's specs have a patch to preview; a kind that says nothing has none.
    expect(Object.fromEntries(experiments.infos().map((k) => [k.kind, k.capabilities.patchPreview]))).toEqual({ synthetic: false, image: true });
  });

  it('labels each condition from the spec, within the kind’s list', () => {
    for (const name of ['toy-ls', 'toy-s', 'toy-noise', 'patch-fmnist-large-lr', 'patch-fmnist-noise']) {
      const spec = presetSpec(name, 1);
      expect(experiments.kindOf(spec).conditions).toContain(experiments.condition(spec));
    }
    expect(experiments.condition(presetSpec('toy-noise', 1))).toBe('S+noise');
    expect(experiments.condition(presetSpec('patch-fmnist-noise', 1))).toBe('SGD+noise');
  });

  it('previews the synthetic schedule the trainer follows', async () => {
    const spec = parseRunSpec({
      kind: 'synthetic',
      seed: 1,
      data: { d: 8, N: 64, testSize: 50 },
      model: { width: 8 },
      init: { tau0: 0.1 },
      algorithm: { name: 'S+noise', eta2: 0.02, noiseTau0: 0.3, annealAt: 50, eps2: 1e-9 },
      stopping: { maxIterations: 100 },
      logging: { every: 25 },
    });
    const curve = experiments.describe(spec).schedule;
    expect(curve.annealAt).toBe(50);
    const s = syntheticSchedule(spec.kind === 'synthetic' ? spec.algorithm : (undefined as never));
    curve.x.forEach((t, i) => {
      const phase = t >= 50 ? s.after : s.before;
      expect([curve.lr[i], curve.noise[i]]).toEqual([phase.lr, phase.noise]);
    });
    expect(curve.noise[0]).toBe(0.3);
    expect(curve.noise.at(-1)).toBe(0);
    // What the trainer records at each logged step is the preview's value at that step.
    await initBackend({ force: 'cpu' });
    const recorded: { step: number; lr: number | undefined; noise: number | undefined }[] = [];
    await experiments.run(spec, { onMetrics: (m) => recorded.push({ step: m.step, lr: m.values['lr'], noise: m.values['noise'] }) });
    expect(recorded.map((r) => r.step)).toEqual([0, 25, 50, 75, 100]);
    for (const r of recorded) {
      const i = curve.x.indexOf(r.step);
      expect([r.lr, r.noise]).toEqual([curve.lr[i], curve.noise[i]]);
    }
    const ls = parseRunSpec({ kind: 'synthetic', seed: 1, algorithm: { name: 'L-S', eta1: 0.5, eta2: 0.02, anneal: { mode: 'loss-threshold' } } });
    const c2 = experiments.describe(ls).schedule;
    expect(c2.annealAt).toBeNull();
    expect(c2.note).toMatch(/decided while training/);
    expect(new Set(c2.lr)).toEqual(new Set([0.5]));
  });

  it('sizes the image memory model from the dataset, not a fixed shape', () => {
    const fm = presetSpec('patch-fmnist-small-lr', 1);
    const m = experiments.kindOf(fm).memoryModel(fm);
    expect(m.inputShape).toEqual([28, 28, 1]);
    const cifar = presetSpec('patch-cifar-small-lr', 1);
    expect(experiments.kindOf(cifar).memoryModel(cifar).inputShape).toEqual([32, 32, 3]);
    expect(experiments.memory(cifar, 'wasm').bytes).toBeGreaterThan(experiments.memory(fm, 'wasm').bytes);
  });

  it('refuses two kinds with one name and a spec of an unknown kind', () => {
    expect(() => createRegistry([...BUILTIN_KINDS, BUILTIN_KINDS[0]] as never)).toThrow(/Two experiment kinds/);
    expect(() => experiments.kindOf({ kind: 'nope' })).toThrow(/Unknown experiment kind "nope"/);
    const c = experiments.check({ kind: 'nope', seed: 1 });
    expect(c.ok).toBe(false);
  });
});
