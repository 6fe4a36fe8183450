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

  it('rejects a non-positive chance loss', () => {
    expect(() => new CollapseWatch({ chanceLoss: 0 })).toThrow(/chance/);
  });
});
