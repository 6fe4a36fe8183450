import { describe, expect, it } from 'vitest';
import type { KindInfo } from '@api/index';
import { bestStat, comparisonDefaults, conditionLabels, defaultMetricKeys, hasPatchPreview, keyHparams } from './kinds';
import { metricColumns } from './columns';

const field = (path: string, label: string, hyperparameter = true) => ({ path, label, hyperparameter, condition: false });
const kinds: KindInfo[] = [
  {
    kind: 'alpha',
    label: 'Alpha',
    fields: [field('opt.rate', 'ρ'), field('size', 'n'), field('flag', 'flag'), field('note', 'note', false), field('init', 'init')],
    conditions: ['A1', 'A2'],
    metrics: [
      { key: 'train/loss', label: 'Train loss', family: 'loss', better: 'min' },
      { key: 'test/acc', label: 'Test accuracy', family: 'acc', better: 'max' },
    ],
    defaultColumns: ['train/loss', 'test/acc'],
    defaultPanels: ['test/acc'],
    layouts: [],
    capabilities: { patchPreview: true },
  },
  {
    kind: 'beta',
    label: 'Beta',
    fields: [],
    conditions: ['B', 'A1'],
    metrics: [{ key: 'val/err', label: 'Validation error', family: 'err', better: 'min' }],
    defaultColumns: ['train/loss', 'val/err'],
    defaultPanels: ['val/err', 'train/loss'],
    layouts: [],
    capabilities: { patchPreview: false },
  },
];

describe('kinds in the renderer', () => {
  it('merges the kinds’ default columns, conditions and panels without repeats', () => {
    expect(defaultMetricKeys(kinds)).toEqual(['train/loss', 'test/acc', 'val/err']);
    expect(conditionLabels(kinds)).toEqual(['A1', 'A2', 'B']);
    expect(comparisonDefaults(kinds)).toEqual(['test/acc', 'val/err', 'train/loss']);
    expect(comparisonDefaults(kinds, ['beta'])).toEqual(['val/err', 'train/loss']);
  });

  it('offers the patch preview only for kinds whose capabilities say so', () => {
    expect(hasPatchPreview(kinds, 'alpha')).toBe(true);
    expect(hasPatchPreview(kinds, 'beta')).toBe(false);
    expect(hasPatchPreview(kinds, 'unknown-kind')).toBe(false);
    expect(hasPatchPreview(kinds, undefined)).toBe(false);
  });

  it('keeps the kind’s hyperparameters in its order, set and not boolean, at most max', () => {
    const h = { size: 16, 'opt.rate': 0.5, flag: true, note: 'x', init: 'stationary', other: 3, missing: null };
    expect(keyHparams(kinds, 'alpha', h).map((e) => `${e.label}=${String(e.value)}`)).toEqual(['ρ=0.5', 'n=16', 'init=stationary']);
    expect(keyHparams(kinds, 'alpha', h, 1)).toHaveLength(1);
    expect(keyHparams(kinds, 'unknown-kind', h)).toEqual([]);
  });

  it('labels metric columns and picks the best statistic from the metric’s direction', () => {
    expect(bestStat(kinds, 'val/err')).toBe('min');
    expect(bestStat(kinds, 'test/acc')).toBe('max');
    expect(metricColumns(kinds, 'train/loss').map((c) => [c.id, c.label, c.metric?.stat])).toEqual([
      ['metric:train/loss:last', 'Train loss final', 'last'],
      ['metric:train/loss:min', 'Train loss best', 'min'],
    ]);
    // A key no kind lists keeps its key as the label.
    expect(metricColumns(kinds, 'x/y')[0]?.label).toBe('x/y final');
  });
});
