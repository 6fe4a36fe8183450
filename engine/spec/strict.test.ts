/** Unknown keys are refused in specs from users and dropped (named) from stored specs (issue 14 item 7). */
import { describe, expect, it } from 'vitest';
import { checkRunSpec, readStoredRunSpec } from './runSpec';
import { SweepSpecSchema } from './sweep';
import { presetSpec } from '../presets';
import { experiments } from '../experiments/registry';
import { applyOverrides } from '../cli/overrides';
import { parseSweepSpec } from '../cli/sweep';

const toy = () => structuredClone(presetSpec('toy-s', 1)) as unknown as Record<string, Record<string, unknown>>;
const image = () => structuredClone(presetSpec('patch-fmnist-small-lr', 1)) as unknown as Record<string, Record<string, unknown>>;

describe('unknown keys in a run spec', () => {
  it('are refused at every level, with the dotted path, what to do and the fields allowed there', () => {
    const s = toy();
    s['model']!['widht'] = 64;
    (s as Record<string, unknown>)['seeds'] = [1, 2];
    s['algorithm']!['eta1'] = 0.5; // L-S's field, not S's
    const c = checkRunSpec(s);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    const byPath = Object.fromEntries(c.problems.map((p) => [p.path, p.message]));
    expect(Object.keys(byPath).sort()).toEqual(['algorithm.eta1', 'model.widht', 'seeds']);
    expect(byPath['model.widht']).toMatch(/^unknown field "widht" in model: .*Remove it or fix its name; the fields here are patches, variant, width\.$/);
    expect(byPath['seeds']).toMatch(/the fields here are .*\bseed\b/);
    const i = image();
    i['optim']!['learningRate'] = 0.1;
    const ci = experiments.check(i);
    expect(ci.ok || ci.problems.map((p) => p.path)).toEqual(['optim.learningRate']);
  });

  it('also in a value given with --set (a whole object) and in a sweep file', () => {
    expect(checkRunSpec(applyOverrides(toy(), [{ path: 'model', value: { width: 8, widht: 9 } }])).ok).toBe(false);
    expect(() => parseSweepSpec({ kind: 'sweep', preset: 'toy-s', parameter: 'model.width', values: [8], seeds: [1], seed: 2 })).toThrow(/seed: unknown field "seed": .*the fields here are .*seeds/);
    expect(SweepSpecSchema.safeParse({ kind: 'sweep', preset: 'toy-s', parameter: 'model.width', values: [8], seeds: [1], grid: [{ parameter: 'data.d', values: [8], seeds: [1] }] }).success).toBe(false);
  });

  it('are dropped, and named, when a stored spec is read: old runs still load', () => {
    const s = toy();
    s['model']!['oldField'] = true;
    (s as Record<string, unknown>)['retired'] = 'x';
    const r = readStoredRunSpec(s);
    expect([...r.dropped].sort()).toEqual(['model.oldField', 'retired']);
    expect(r.spec).toEqual(presetSpec('toy-s', 1));
    const viaRegistry = experiments.readStored(s);
    expect(viaRegistry.ok && [...viaRegistry.dropped].sort()).toEqual(['model.oldField', 'retired']);
    // Any other problem still fails.
    s['model']!['width'] = -1;
    expect(() => readStoredRunSpec(s)).toThrow(/model\.width/);
  });

  it('leave valid specs alone: every preset parses strictly', () => {
    for (const name of ['toy-ls', 'toy-s', 'toy-noise', 'patch-fmnist-large-lr', 'patch-cifar-noise', 'cifar-small-lr-noise']) {
      expect(checkRunSpec(presetSpec(name, 1)).ok).toBe(true);
    }
  });
});
