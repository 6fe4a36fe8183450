import { describe, expect, it } from 'vitest';
import { progressEvent, StepRate } from './progressEvent';

describe('progress events', () => {
  it('measures steps per second over at least a second and smooths them', () => {
    const r = new StepRate();
    expect(r.update(0, 0)).toBeNull();
    expect(r.update(50, 500)).toBeNull(); // under a second since the first report
    expect(r.update(100, 1000)).toBe(100);
    expect(r.update(150, 1500)).toBe(100); // kept until the next second has passed
    expect(r.update(300, 2000)).toBeCloseTo(0.7 * 100 + 0.3 * 200);
  });

  it('gives the time left at the current rate, none without a rate, and values as the wire carries them', () => {
    const p = { step: 100, totalSteps: 600, epoch: null, totalEpochs: null };
    const e = progressEvent('r1', p, { loss: 0.5, bad: NaN }, 50, 2.5);
    expect(e).toMatchObject({ runId: 'r1', step: 100, totalSteps: 600, stepsPerS: 50, etaS: 10, wallS: 2.5 });
    expect(e.values).toEqual({ loss: 0.5, bad: 'NaN' });
    expect(progressEvent('r1', p, {}, null, 0).etaS).toBeNull();
    expect(progressEvent('r1', { ...p, step: 700 }, {}, 50, 0).etaS).toBe(0);
  });
});
