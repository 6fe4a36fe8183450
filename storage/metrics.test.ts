import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type RunStore } from './index';
import { sampleRun } from './test-fixtures/helpers';

let store: RunStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

function setup(): { s: RunStore; id: string } {
  store = openStore(':memory:');
  return { s: store, id: store.createRun(sampleRun()).id };
}

const pointCount = (s: RunStore, id: string, key: string): number =>
  s.getSeries({ runIds: [id], keys: [key] })[0]?.steps.length ?? -1;

describe('MetricWriter', () => {
  it('keeps points pending until flush, then writes them in one go', () => {
    const { s, id } = setup();
    const w = s.metricWriter(id, { flushEveryMs: 60_000, flushEveryPoints: 1000 });
    for (let step = 0; step < 10; step++) w.write({ step, epoch: 1, wallTimeMs: step, values: { a: step, b: -step } });
    expect(w.pending).toBe(20);
    expect(pointCount(s, id, 'a')).toBe(0);
    expect(w.flush()).toBe(20);
    expect(pointCount(s, id, 'a')).toBe(10);
    w.close();
  });

  it('flushes when flushEveryPoints are pending', () => {
    const { s, id } = setup();
    const flushes: number[] = [];
    const w = s.metricWriter(id, { flushEveryMs: 60_000, flushEveryPoints: 100, onFlush: (f) => flushes.push(f.points) });
    for (let step = 0; step < 250; step++) w.writePoint('a', step, step);
    expect(flushes).toEqual([100, 100]);
    expect(pointCount(s, id, 'a')).toBe(200);
    w.close();
    expect(flushes).toEqual([100, 100, 50]);
  });

  it('flushes on its timer', async () => {
    const { s, id } = setup();
    const w = s.metricWriter(id, { flushEveryMs: 20 });
    w.writePoint('a', 0, 1);
    await new Promise((r) => setTimeout(r, 120));
    expect(w.pending).toBe(0);
    expect(pointCount(s, id, 'a')).toBe(1);
    w.close();
  });

  it('keeps NaN, ±Infinity and -0 exactly, with epochs and wall times', () => {
    const { s, id } = setup();
    const values = [1.5, NaN, Infinity, -Infinity, -0, 0, 1e-300, -2.5e300, Number.MIN_VALUE];
    const w = s.metricWriter(id);
    values.forEach((v, step) => w.writePoint('x', step, v, step + 1, step * 10.25));
    w.close();
    const [series] = s.getSeries({ runIds: [id], keys: ['x'], withEpochs: true, withWallTimes: true });
    expect(series?.values.length).toBe(values.length);
    series?.values.forEach((v, i) => expect(Object.is(v, values[i])).toBe(true));
    expect(series?.epochs).toEqual(values.map((_, i) => i + 1));
    expect(series?.wallTimes).toEqual(values.map((_, i) => i * 10.25));
  });

  it('maintains the latest-value table (last, min, max ignore NaN; Inf counts)', () => {
    const { s, id } = setup();
    const w = s.metricWriter(id, { flushEveryPoints: 3 });
    [5, 3, NaN, 9, 4, NaN].forEach((v, step) => w.writePoint('loss', step, v));
    w.close();
    const m = s.getRun(id).metrics.find((x) => x.key === 'loss');
    expect(m).toMatchObject({ nPoints: 6, nanCount: 2, lastStep: 5, min: 3, minStep: 1, max: 9, maxStep: 3 });
    expect(Number.isNaN(m?.last)).toBe(true);
    const w2 = s.metricWriter(id);
    w2.writePoint('loss', 6, Infinity);
    w2.close();
    expect(s.getRun(id).metrics.find((x) => x.key === 'loss')).toMatchObject({ last: Infinity, max: Infinity, maxStep: 6, nPoints: 7 });
  });

  it('replaces a point logged again at the same step and keeps the summaries exact', () => {
    const { s, id } = setup();
    const w = s.metricWriter(id);
    for (let step = 0; step < 5; step++) w.writePoint('a', step, 100 + step);
    w.flush();
    w.writePoint('a', 4, 1);
    w.close();
    expect(s.getSeries({ runIds: [id], keys: ['a'] })[0]?.values).toEqual([100, 101, 102, 103, 1]);
    expect(s.getRun(id).metrics[0]).toMatchObject({ nPoints: 5, min: 1, max: 103, last: 1 });
  });

  it('a failed flush writes nothing and keeps the points for the next flush', () => {
    let fail = true;
    store = openStore(':memory:', {
      faultInjector: (op) => {
        if (fail && op === 'saving metric points') {
          throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        }
      },
    });
    const s = store;
    const id = s.createRun(sampleRun()).id;
    const w = s.metricWriter(id);
    for (let step = 0; step < 100; step++) w.writePoint('a', step, step);
    expect(() => w.flush()).toThrow(/disk .* is full/);
    expect(pointCount(s, id, 'a')).toBe(0);
    expect(s.getRun(id).metrics).toEqual([]);
    fail = false;
    expect(w.flush()).toBe(100);
    expect(s.getRun(id).metrics[0]).toMatchObject({ nPoints: 100, max: 99 });
    w.close();
  });

  it('a timer flush failure is reported and thrown by the next write', async () => {
    let fail = true;
    const errors: string[] = [];
    store = openStore(':memory:', {
      faultInjector: () => {
        if (fail) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      },
    });
    const s = store;
    fail = false;
    const id = s.createRun(sampleRun()).id;
    fail = true;
    const w = s.metricWriter(id, { flushEveryMs: 10, onError: (e) => errors.push(e.code) });
    w.writePoint('a', 0, 1);
    await new Promise((r) => setTimeout(r, 60));
    expect(errors[0]).toBe('disk_full');
    expect(() => w.writePoint('a', 1, 1)).toThrow(/full/);
    fail = false;
    w.close();
    expect(pointCount(s, id, 'a')).toBe(1);
  });

  it('truncateMetrics drops later points and rebuilds the summaries', () => {
    const { s, id } = setup();
    const w = s.metricWriter(id);
    for (let step = 0; step < 300; step++) w.writePoint('a', step, step === 250 ? 1000 : step);
    w.close();
    s.truncateMetrics(id, 199);
    expect(s.getRun(id).metrics[0]).toMatchObject({ nPoints: 200, lastStep: 199, last: 199, max: 199, maxStep: 199 });
    const w2 = s.metricWriter(id);
    for (let step = 200; step < 400; step++) w2.writePoint('a', step, -step);
    w2.close();
    const [x] = s.getSeries({ runIds: [id], keys: ['a'], maxPoints: 16, method: 'minmax' }); // read from the rebuilt buckets
    expect(x?.values).toContain(-399);
    expect(x?.values).not.toContain(1000);
    expect(s.getRun(id).metrics[0]).toMatchObject({ nPoints: 400, min: -399, max: 199 });
  });
});
