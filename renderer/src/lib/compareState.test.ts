import { describe, expect, it } from 'vitest';
import { queryFromSpec, specFromQuery, toggled } from './compareState';

describe('comparison state in the URL', () => {
  it('round-trips every setting', () => {
    const spec = {
      runs: ['a', 'b'],
      panels: ['k1', 'k2'],
      groupBy: 'spec:optim.lr',
      x: 'epoch' as const,
      band: 'ci95' as const,
      smoothing: 0.6,
      logY: true,
      logX: true,
      showSeeds: true,
      excludeCollapsed: false,
      exclude: ['b'],
      schedule: false,
      scheduleLog: true,
      layout: 'overlay' as const,
      range: { from: 10, to: 200 },
      summaryAt: 50,
      compare: ['L-S', 'S'] as [string, string],
    };
    expect(specFromQuery(queryFromSpec(spec))).toEqual(spec);
  });

  it('leaves defaults out and ignores nonsense', () => {
    expect(queryFromSpec({ runs: ['a'], band: 'std', x: 'step', groupBy: 'condition' })).toEqual({ ids: 'a' });
    expect(specFromQuery({ ids: 'a', band: 'sometimes', x: 'hours', smooth: 'x', from: '5', to: '1' })).toEqual({ runs: ['a'] });
    expect(specFromQuery({ smooth: '3' }).smoothing).toBe(0.99);
    expect(specFromQuery({ tag: 'cmp-1' })).toEqual({ query: { tag: 'cmp-1' } });
  });

  it('toggles a run in and out of a list', () => {
    expect(toggled(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggled(['a', 'b'], 'a')).toEqual(['b']);
    expect(toggled(undefined, 'a')).toEqual(['a']);
  });
});
