import { describe, expect, it } from 'vitest';
import { CollapseWatch } from './collapse';

const LOG10 = Math.log(10);

describe('CollapseWatch', () => {
  it('flags a loss that stays at chance once warm-up is past, once', () => {
    const w = new CollapseWatch({ chanceLoss: LOG10 });
    expect(w.observe(2.31, 100, 1, false)).toBeNull();
    const e = w.observe(2.302, 200, 2, true);
    expect(e?.kind).toBe('collapse');
    expect(e?.data?.['collapse']).toBe('at-chance');
    expect(e?.message).toMatch(/chance/);
    expect(w.collapsed).toBe(true);
    expect(w.observe(2.302, 300, 3, true)).toBeNull();
    expect(w.finding).toMatchObject({ kind: 'at-chance', epoch: 2 });
  });

  it('does not flag a run that learns, even slowly, nor before warm-up', () => {
    const w = new CollapseWatch({ chanceLoss: LOG10 });
    expect(w.observe(2.3, 100, 1, false)).toBeNull();
    expect(w.observe(2.1, 200, 2, true)).toBeNull();
    expect(w.observe(2.25, 300, 3, true)).toBeNull(); // a wobble, far from undoing the progress
    expect(w.observe(1.2, 400, 4, true)).toBeNull();
    expect(w.observe(1.5, 500, 5, true)).toBeNull(); // +0.3 of a possible 1.1: not a collapse
    expect(w.collapsed).toBe(false);
  });

  it('flags a sudden collapse: the loss undoes at least half of the progress it had made', () => {
    const w = new CollapseWatch({ chanceLoss: LOG10 });
    w.observe(1.0, 100, 1, false);
    w.observe(0.5, 200, 2, true);
    const e = w.observe(0.5 + 0.5 * (LOG10 - 0.5) + 0.01, 300, 3, true);
    expect(e?.data).toMatchObject({ collapse: 'sudden', best: 0.5 });
    expect(e?.message).toMatch(/jumped back/);
    expect(w.collapsed).toBe(true);
  });

  it('ignores NaN and ±Inf (the divergence check handles them)', () => {
    const w = new CollapseWatch({ chanceLoss: Math.LN2, tolerance: 0.01 });
    expect(w.observe(Number.NaN, 1, null, true)).toBeNull();
    expect(w.observe(Number.POSITIVE_INFINITY, 2, null, true)).toBeNull();
    expect(w.collapsed).toBe(false);
    expect(w.observe(0.6931, 3, null, true)?.data?.['collapse']).toBe('at-chance');
  });

  it('with a noise-free check, flags "at chance" only when the accuracy is at chance too', () => {
    const learning = new CollapseWatch({ chanceLoss: LOG10 });
    // a noisy training loss above log 10 while the clean accuracy is 0.55–0.63 (seen at σ 1.2)
    expect(learning.observe(3.4, 100, 1, false, { accuracy: 0.55, chanceAccuracy: 0.1 })).toBeNull();
    expect(learning.observe(3.65, 200, 2, true, { accuracy: 0.63, chanceAccuracy: 0.1 })).toBeNull();
    expect(learning.collapsed).toBe(false);
    // the same losses with a check at chance: flagged, and the message gives the accuracy
    const dead = new CollapseWatch({ chanceLoss: LOG10 });
    dead.observe(3.4, 100, 1, false, { accuracy: 0.1, chanceAccuracy: 0.1 });
    const e = dead.observe(3.65, 200, 2, true, { accuracy: 0.17, chanceAccuracy: 0.1 });
    expect(e?.data).toMatchObject({ collapse: 'at-chance', accuracy: 0.17 });
    expect(e?.message).toMatch(/noise-free accuracy is 0\.170/);
    // 0.1 + 0.1·0.9 = 0.19 is the edge
    const edge = new CollapseWatch({ chanceLoss: LOG10 });
    expect(edge.observe(2.3, 1, 2, true, { accuracy: 0.2, chanceAccuracy: 0.1 })).toBeNull();
  });

  it('with a noise-free check, a sudden rise of the loss is a collapse only if the accuracy fell too', () => {
    const w = new CollapseWatch({ chanceLoss: LOG10 });
    w.observe(1.0, 100, 1, false, { accuracy: 0.7, chanceAccuracy: 0.1 });
    w.observe(0.5, 200, 2, true, { accuracy: 0.9, chanceAccuracy: 0.1 });
    // the loss undoes its progress but the accuracy holds: noise, not a collapse
    expect(w.observe(2.0, 300, 3, true, { accuracy: 0.85, chanceAccuracy: 0.1 })).toBeNull();
    // accuracy back below 0.9 − ½·0.8 = 0.5: a collapse
    expect(w.observe(2.0, 400, 4, true, { accuracy: 0.45, chanceAccuracy: 0.1 })?.data?.['collapse']).toBe('sudden');
  });

  it('rejects a non-positive chance loss', () => {
    expect(() => new CollapseWatch({ chanceLoss: 0 })).toThrow(/chance/);
  });
});
