import { describe, expect, it } from 'vitest';
import { INITIAL_SCHEDULE_STATE, isLrAnnealEpoch, isNoiseAnnealEpoch, learningRateAt, noiseStdAt, updateScheduleState } from './schedules';

const at = (epoch: number, iteration = 0) => ({ epoch, iteration });

describe('learning-rate schedules', () => {
  it('constant', () => {
    expect(learningRateAt({ kind: 'constant' }, 0.004, at(57, 9999))).toBe(0.004);
  });

  // The authors' adjust_lr(opt, epoch + 1) tests E >= milestone: the milestone epoch (1-based)
  // already runs at the new rate.
  it('multi-step ×γ from each milestone epoch on (Table 1: 0.1, ×0.2 at 60, 120, 150)', () => {
    const s = { kind: 'multi-step' as const, milestones: [60, 120, 150], gamma: 0.2 };
    expect(learningRateAt(s, 0.1, at(59))).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 0.1, at(60))).toBeCloseTo(0.02, 12);
    expect(learningRateAt(s, 0.1, at(119))).toBeCloseTo(0.02, 12);
    expect(learningRateAt(s, 0.1, at(120))).toBeCloseTo(0.004, 12);
    expect(learningRateAt(s, 0.1, at(150))).toBeCloseTo(0.0008, 12);
    expect(isLrAnnealEpoch(s, 60, INITIAL_SCHEDULE_STATE)).toBe(true);
    expect(isLrAnnealEpoch(s, 61, INITIAL_SCHEDULE_STATE)).toBe(false);
    expect(isLrAnnealEpoch(s, 59, INITIAL_SCHEDULE_STATE)).toBe(false);
  });

  it('single step (Fig. 3: 0.1 → 0.004 from the 30th epoch on)', () => {
    const s = { kind: 'step' as const, atEpoch: 30, factor: 0.04 };
    expect(learningRateAt(s, 0.1, at(29))).toBe(0.1);
    expect(learningRateAt(s, 0.1, at(30))).toBeCloseTo(0.004, 12);
    expect(learningRateAt(s, 0.1, at(31))).toBeCloseTo(0.004, 12);
    expect(isLrAnnealEpoch(s, 30, INITIAL_SCHEDULE_STATE)).toBe(true);
    expect(isLrAnnealEpoch(s, 31, INITIAL_SCHEDULE_STATE)).toBe(false);
  });

  it('a step at epoch 1 is the starting rate, not an anneal', () => {
    const s = { kind: 'step' as const, atEpoch: 1, factor: 0.5 };
    expect(learningRateAt(s, 0.1, at(1))).toBeCloseTo(0.05, 12);
    expect(isLrAnnealEpoch(s, 1, INITIAL_SCHEDULE_STATE)).toBe(false);
  });

  it('exponential per iteration with a floor', () => {
    const s = { kind: 'exponential' as const, rate: 0.9, minLr: 0.01 };
    expect(learningRateAt(s, 0.1, at(1, 0))).toBeCloseTo(0.1, 12);
    expect(learningRateAt(s, 0.1, at(1, 2))).toBeCloseTo(0.081, 12);
    expect(learningRateAt(s, 0.1, at(9, 1000))).toBe(0.01);
  });

  it('loss threshold: anneals after the first epoch whose loss is ≤ threshold, once', () => {
    const s = { kind: 'loss-threshold' as const, threshold: 0.5, factor: 0.1 };
    let st = updateScheduleState(s, INITIAL_SCHEDULE_STATE, 1, 0.9);
    expect(st.annealedAfterEpoch).toBeNull();
    expect(learningRateAt(s, 1, at(2), st)).toBe(1);
    st = updateScheduleState(s, st, 2, 0.4);
    expect(st.annealedAfterEpoch).toBe(2);
    expect(learningRateAt(s, 1, at(2), st)).toBe(1);
    expect(learningRateAt(s, 1, at(3), st)).toBeCloseTo(0.1, 12);
    expect(isLrAnnealEpoch(s, 3, st)).toBe(true);
    st = updateScheduleState(s, st, 3, 0.1);
    expect(st.annealedAfterEpoch).toBe(2);
  });
});

describe('noise schedules', () => {
  it('none', () => {
    expect(noiseStdAt({ kind: 'none' }, at(1))).toBe(0);
  });
  it('step at epoch (Fig. 3: 0.4 → 4e-6 from the 30th epoch on)', () => {
    const s = { kind: 'step' as const, std: 0.4, atEpoch: 30, factor: 1e-5 };
    expect(noiseStdAt(s, at(29))).toBe(0.4);
    expect(noiseStdAt(s, at(30))).toBeCloseTo(4e-6, 15);
    expect(isNoiseAnnealEpoch(s, 30)).toBe(true);
    expect(isNoiseAnnealEpoch(s, 31)).toBe(false);
  });
  it('×rate per iteration (paper) and per epoch (code)', () => {
    expect(noiseStdAt({ kind: 'exp-iteration', std: 0.2, rate: 0.995 }, at(3, 100))).toBeCloseTo(0.2 * 0.995 ** 100, 12);
    expect(noiseStdAt({ kind: 'exp-epoch', std: 0.2, rate: 0.995 }, at(1, 100))).toBe(0.2);
    expect(noiseStdAt({ kind: 'exp-epoch', std: 0.2, rate: 0.995 }, at(3, 100))).toBeCloseTo(0.2 * 0.995 ** 2, 12);
  });
});
