import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type RunStore } from './index';
import { sampleRun } from './test-fixtures/helpers';

let store: RunStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

function fill(s: RunStore, id: string, n: number, f: (i: number) => number, key = 'loss', flushEvery = 7_777): void {
  const w = s.metricWriter(id, { flushEveryPoints: flushEvery });
  for (let i = 0; i < n; i++) w.writePoint(key, i * 2, f(i), null, i);
  w.close();
}

const wave = (i: number): number => Math.sin(i / 300) + 0.001 * ((i * 7919) % 13);

describe('getSeries', () => {
  it('returns full resolution for many runs × keys, empty for unknown keys', () => {
    store = openStore(':memory:');
    const s = store;
    const a = s.createRun(sampleRun()).id;
    const b = s.createRun(sampleRun()).id;
    fill(s, a, 300, (i) => i);
    fill(s, b, 200, (i) => -i);
    fill(s, a, 50, (i) => i / 2, 'acc');
    const out = s.getSeries({ runIds: [a, b], keys: ['loss', 'acc', 'nope'] });
    expect(out.map((x) => [x.runId, x.key, x.steps.length, x.totalPoints])).toEqual([
      [a, 'loss', 300, 300],
      [a, 'acc', 50, 50],
      [a, 'nope', 0, 0],
      [b, 'loss', 200, 200],
      [b, 'acc', 0, 0],
      [b, 'nope', 0, 0],
    ]);
    expect(out[0]?.steps.slice(0, 3)).toEqual([0, 2, 4]);
    expect(out[3]?.values.slice(0, 3)).toEqual([-0, -1, -2]);
  });

  it('downsamples a long series from the bucket summaries; spikes and NaN gaps survive', () => {
    store = openStore(':memory:');
    const s = store;
    const id = s.createRun(sampleRun()).id;
    const n = 50_000;
    const f = (i: number): number =>
      i === 31_337 ? 100 : i === 4_242 ? -100 : i >= 20_000 && i < 20_010 ? NaN : wave(i);
    fill(s, id, n, f);
    for (const method of ['lttb', 'minmax'] as const) {
      const [x] = s.getSeries({ runIds: [id], keys: ['loss'], maxPoints: 2000, method });
      expect(x?.downsampled).toBe(true);
      expect(x?.totalPoints).toBe(n);
      expect(x?.steps.length).toBeLessThanOrEqual(2000);
      expect(x?.steps.length).toBeGreaterThan(1500);
      expect(x?.steps[0]).toBe(0);
      expect(x?.steps[x.steps.length - 1]).toBe((n - 1) * 2);
      const at = (step: number): number | undefined => x?.values[x.steps.indexOf(step)];
      expect(at(31_337 * 2)).toBe(100);
      expect(at(4_242 * 2)).toBe(-100);
      expect(at(20_000 * 2)).toBeNaN();
      expect(x?.steps.every((v, i, arr) => i === 0 || v > (arr[i - 1] as number))).toBe(true);
      // every kept point is a stored point, value and step together
      expect(x?.steps.every((st, i) => Object.is(x.values[i], f(st / 2)))).toBe(true);
    }
  });

  it('downsamples a step range, reading raw points when the range is small', () => {
    store = openStore(':memory:');
    const s = store;
    const id = s.createRun(sampleRun()).id;
    fill(s, id, 20_000, (i) => (i === 15_001 ? 9 : wave(i)));
    const [wide] = s.getSeries({ runIds: [id], keys: ['loss'], maxPoints: 500, fromStep: 10_001, toStep: 35_999, method: 'minmax' });
    expect(wide?.totalPoints).toBe(12_999);
    expect(wide?.steps[0]).toBe(10_002);
    expect(wide?.steps[wide.steps.length - 1]).toBe(35_998);
    expect(wide?.values[wide.steps.indexOf(30_002)]).toBe(9);
    const [narrow] = s.getSeries({ runIds: [id], keys: ['loss'], maxPoints: 500, fromStep: 30_000, toStep: 30_200 });
    expect(narrow?.downsampled).toBe(false);
    expect(narrow?.steps.length).toBe(101);
  });

  it('downsampling with epochs/wall times reads raw points and keeps them aligned', () => {
    store = openStore(':memory:');
    const s = store;
    const id = s.createRun(sampleRun()).id;
    fill(s, id, 5000, wave);
    const [x] = s.getSeries({ runIds: [id], keys: ['loss'], maxPoints: 100, withWallTimes: true });
    expect(x?.wallTimes?.length).toBe(x?.steps.length);
    x?.steps.forEach((st, i) => expect(x.wallTimes?.[i]).toBe(st / 2));
  });
});

describe('groupAggregate', () => {
  it('computes per-step mean, sample std, min, max and n over a seed group, skipping NaN', () => {
    store = openStore(':memory:');
    const s = store;
    const ids = [1, 2, 3].map((seed) => s.createRun(sampleRun({ groupId: 'g', seed })).id);
    s.createRun(sampleRun({ groupId: 'other' }));
    const vals = [
      [1, 2, NaN],
      [3, 4, 5],
      [5, 9, 7],
    ];
    ids.forEach((id, r) => {
      const w = s.metricWriter(id);
      vals[r]?.forEach((v, step) => w.writePoint('loss', step * 10, v));
      w.close();
    });
    const g = s.groupAggregate({ groupId: 'g' }, 'loss');
    expect(g.runIds).toEqual(ids);
    expect(g.steps).toEqual([0, 10, 20]);
    expect(g.n).toEqual([3, 3, 2]);
    expect(g.mean).toEqual([3, 5, 6]);
    expect(g.std[0]).toBeCloseTo(2, 12);
    expect(g.std[1]).toBeCloseTo(Math.sqrt(13), 12);
    expect(g.std[2]).toBeCloseTo(Math.SQRT2, 12);
    expect(g.min).toEqual([1, 2, 5]);
    expect(g.max).toEqual([5, 9, 7]);
    const direct = s.groupAggregate({ runIds: ids.slice(0, 1) }, 'loss');
    expect(direct.std).toEqual([0, 0, NaN]);
    expect(direct.n).toEqual([1, 1, 0]);
  });

  it('downsamples the aggregate with maxPoints', () => {
    store = openStore(':memory:');
    const s = store;
    const ids = [1, 2].map((seed) => s.createRun(sampleRun({ groupId: 'g', seed })).id);
    ids.forEach((id, r) => fill(s, id, 3000, (i) => wave(i) + r));
    const g = s.groupAggregate({ groupId: 'g' }, 'loss', 200);
    expect(g.steps.length).toBeLessThanOrEqual(200);
    expect(g.mean.length).toBe(g.steps.length);
    expect(g.n.every((n) => n === 2)).toBe(true);
  });
});
