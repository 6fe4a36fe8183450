import { describe, expect, it } from 'vitest';
import type { PresetInfo } from '@api/index';
import { comparisonPlan } from './comparisonPlan';

const preset = (name: string, condition: string, spec: Record<string, unknown>, comparison = 'cmp'): PresetInfo => ({ name, group: 'g', groupTitle: 'G', title: name, description: '', condition, comparison, spec });

describe('comparison plan', () => {
  const presets = [
    preset('a-large', 'large-lr', { kind: 'k', optim: { lr: 0.1, batch: 32 }, epochs: 10 }),
    preset('a-small', 'small-lr', { kind: 'k', optim: { lr: 0.004, batch: 32 }, epochs: 10 }),
    preset('other', 'x', { kind: 'k' }, 'elsewhere'),
  ];

  it('lists per arm the paths the edits change, and flags an edit to what the arms vary', () => {
    const plan = comparisonPlan(presets, 'cmp', { epochs: 3, 'optim.lr': 0.1 });
    expect(plan.map((a) => a.preset)).toEqual(['a-large', 'a-small']);
    expect(plan[0]?.changes).toEqual([{ path: 'epochs', from: 10, to: 3, overridesCondition: false }]);
    expect(plan[1]?.changes).toEqual([
      { path: 'epochs', from: 10, to: 3, overridesCondition: false },
      { path: 'optim.lr', from: 0.004, to: 0.1, overridesCondition: true },
    ]);
  });

  it("leaves out of an arm an edit whose parent that arm's spec does not have (the host does not apply it there)", () => {
    const arms = [
      preset('t-ls', 'large-lr', { kind: 'k', algorithm: { name: 'L-S', anneal: { mode: 'iteration', at: 3000 } } }, 't'),
      preset('t-s', 'small-lr', { kind: 'k', algorithm: { name: 'S' } }, 't'),
    ];
    const plan = comparisonPlan(arms, 't', { 'algorithm.anneal.at': 150 });
    expect(plan[0]?.changes.map((c) => c.path)).toEqual(['algorithm.anneal.at']);
    expect(plan[1]?.changes).toEqual([]);
  });

  it('shows no changes when there are no edits', () => {
    expect(comparisonPlan(presets, 'cmp', {}).every((a) => a.changes.length === 0)).toBe(true);
  });
});
