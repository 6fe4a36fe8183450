import { describe, expect, it } from 'vitest';
import { planComparison } from './comparisonPlan';

const arm = (name: string, spec: Record<string, unknown>) => ({ name, spec });

describe('comparison plan', () => {
  const presets = [arm('a-large', { kind: 'k', optim: { lr: 0.1, batch: 32 }, epochs: 10 }), arm('a-small', { kind: 'k', optim: { lr: 0.004, batch: 32 }, epochs: 10 })];

  it('lists per arm the paths the edits change, and flags an edit to what the arms vary', () => {
    const plan = planComparison(presets, { epochs: 3, 'optim.lr': 0.1 });
    expect(plan.arms.map((a) => a.preset.name)).toEqual(['a-large', 'a-small']);
    expect(plan.arms[0]?.changes).toEqual([{ path: 'epochs', from: 10, to: 3, overridesCondition: false }]);
    expect(plan.arms[1]?.changes).toEqual([
      { path: 'epochs', from: 10, to: 3, overridesCondition: false },
      { path: 'optim.lr', from: 0.004, to: 0.1, overridesCondition: true },
    ]);
    // An edit to the value an arm already has changes nothing there, but is still applied.
    expect(plan.arms[0]?.applied.map((o) => o.path)).toEqual(['epochs', 'optim.lr']);
    expect(plan.nowhere).toEqual([]);
  });

  it("leaves out of an arm an edit whose parent that arm's spec does not have (the host does not apply it there)", () => {
    const arms = [arm('t-ls', { kind: 'k', algorithm: { name: 'L-S', anneal: { mode: 'iteration', at: 3000 } } }), arm('t-s', { kind: 'k', algorithm: { name: 'S' } })];
    const plan = planComparison(arms, { 'algorithm.anneal.at': 150 });
    expect(plan.arms[0]?.changes.map((c) => c.path)).toEqual(['algorithm.anneal.at']);
    expect(plan.arms[0]?.notApplied).toEqual([]);
    expect(plan.arms[1]?.changes).toEqual([]);
    expect(plan.arms[1]?.applied).toEqual([]);
    expect(plan.arms[1]?.notApplied).toEqual(['algorithm.anneal.at']);
    expect(plan.nowhere).toEqual([]);
  });

  it('an edit no arm has a parent for goes nowhere (the launch refuses it)', () => {
    const plan = planComparison(presets, { 'modle.width': 8, epochs: 4 });
    expect(plan.nowhere).toEqual([{ path: 'modle.width', value: 8 }]);
    expect(plan.arms.every((a) => a.notApplied.includes('modle.width'))).toBe(true);
  });

  it('shows no changes when there are no edits', () => {
    const plan = planComparison(presets, {});
    expect(plan.arms.every((a) => a.changes.length === 0 && a.notApplied.length === 0)).toBe(true);
  });
});
