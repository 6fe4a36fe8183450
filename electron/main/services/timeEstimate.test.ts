import { describe, expect, it } from 'vitest';
import { experiments } from '../../../engine/experiments/registry';
import { presetSpec } from '../../../engine/presets';
import { estimateTime, identityKey } from './timeEstimate';

const run = (spec: unknown, wallS: number | null, steps: number | null) => ({ specJson: JSON.stringify(spec), wallS, steps });
const parsed = (name: string, seed: number, patch: Record<string, unknown> = {}) => {
  const c = experiments.check({ ...presetSpec(name, seed), ...patch });
  if (!c.ok) throw new Error('bad spec');
  return c.spec;
};

describe('estimated time from finished runs', () => {
  it('ignores seed and name when deciding that two specs are identical', () => {
    expect(identityKey(parsed('toy-s', 1))).toBe(identityKey({ ...parsed('toy-s', 7), name: 'other' }));
    expect(identityKey(parsed('toy-s', 1))).not.toBe(identityKey(parsed('toy-ls', 1)));
  });

  it('uses identical finished runs first (median wall time, with the range), then the same shape, else unknown', () => {
    const spec = parsed('toy-s', 3);
    expect(estimateTime(experiments, spec, []).value).toBe('unknown');
    // Same shape, another algorithm: ms/step × the step bound, an upper bound.
    const shape = estimateTime(experiments, spec, [run(parsed('toy-ls', 1), 10, 1000)]);
    expect(shape.value).toMatch(/^≤ /);
    expect(shape.hint).toContain('10.0 ms/step');
    // Identical runs (other seeds) win: the median of 20, 30 and 40 s.
    const same = estimateTime(experiments, spec, [run(parsed('toy-s', 1), 20, 500), run(parsed('toy-s', 2), 40, 900), run(parsed('toy-s', 9), 30, 700), run(parsed('toy-ls', 1), 10, 1000)]);
    expect(same.value).toBe('≈ 30 s (20 s–40 s)');
    expect(same.hint).toContain('3 identical finished runs');
    // Runs without a wall time or with a spec that no longer parses are skipped.
    expect(estimateTime(experiments, spec, [run(parsed('toy-s', 1), null, 500), { specJson: '{nope', wallS: 5, steps: 5 }]).value).toBe('unknown');
  });
});
