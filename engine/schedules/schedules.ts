/**
 * Learning-rate and noise schedules (docs/paper.md §2.4; docs/science.md, "Epoch schedules"). Epochs are 1-based, and an
 * epoch-indexed change "at epoch m" is in force *from* epoch m on: the authors' code calls
 * `adjust_lr(opt, epoch + 1)` with a 0-based loop index and tests `E >= m`, so the m-th epoch
 * (1-based) already runs at the new value. Fig. 3's anneal "at epoch 30" therefore trains 29
 * epochs at η1 and epochs 30–60 at η2. Per-iteration schedules count global iterations
 * t = 0, 1, ... The loss-threshold schedule is the exception: it can only decide after an
 * epoch has ended, so it changes η from the next epoch on.
 * Pure functions of (schedule, position, state), so a resumed run recomputes the same values.
 */

export type LrSchedule =
  | { readonly kind: 'constant' }
  | { readonly kind: 'multi-step'; readonly milestones: readonly number[]; readonly gamma: number }
  | { readonly kind: 'step'; readonly atEpoch: number; readonly factor: number }
  | { readonly kind: 'exponential'; readonly rate: number; readonly minLr: number }
  | { readonly kind: 'loss-threshold'; readonly threshold: number; readonly factor: number };

export type NoiseSchedule =
  | { readonly kind: 'none' }
  | { readonly kind: 'step'; readonly std: number; readonly atEpoch: number; readonly factor: number }
  | { readonly kind: 'exp-iteration'; readonly std: number; readonly rate: number }
  | { readonly kind: 'exp-epoch'; readonly std: number; readonly rate: number };

/** Where training is: the 1-based epoch about to run (or running) and the global iteration. */
export interface SchedulePosition {
  readonly epoch: number;
  readonly iteration: number;
}

/** What the loss-threshold schedule remembers: the epoch after which it annealed, or null. */
export interface ScheduleState {
  readonly annealedAfterEpoch: number | null;
}

export const INITIAL_SCHEDULE_STATE: ScheduleState = { annealedAfterEpoch: null };

/** η at a position: base rate η0 times the schedule's factor. */
export function learningRateAt(s: LrSchedule, lr0: number, pos: SchedulePosition, state: ScheduleState = INITIAL_SCHEDULE_STATE): number {
  switch (s.kind) {
    case 'constant':
      return lr0;
    case 'multi-step': {
      let lr = lr0;
      for (const m of s.milestones) if (pos.epoch >= m) lr *= s.gamma;
      return lr;
    }
    case 'step':
      return pos.epoch >= s.atEpoch ? lr0 * s.factor : lr0;
    case 'exponential':
      return Math.max(s.minLr, lr0 * Math.pow(s.rate, pos.iteration));
    case 'loss-threshold':
      return state.annealedAfterEpoch !== null && pos.epoch > state.annealedAfterEpoch ? lr0 * s.factor : lr0;
  }
}

/**
 * The loss-threshold schedule's state after an epoch ends with mean training loss `loss`:
 * anneals (from the next epoch on) the first time the loss is ≤ the threshold.
 */
export function updateScheduleState(s: LrSchedule, state: ScheduleState, epoch: number, loss: number): ScheduleState {
  if (s.kind !== 'loss-threshold' || state.annealedAfterEpoch !== null) return state;
  return loss <= s.threshold ? { annealedAfterEpoch: epoch } : state;
}

/** Pre-activation noise std σ at a position. */
export function noiseStdAt(s: NoiseSchedule, pos: SchedulePosition): number {
  switch (s.kind) {
    case 'none':
      return 0;
    case 'step':
      return pos.epoch >= s.atEpoch ? s.std * s.factor : s.std;
    case 'exp-iteration':
      return s.std * Math.pow(s.rate, pos.iteration);
    case 'exp-epoch':
      return s.std * Math.pow(s.rate, pos.epoch - 1);
  }
}

/**
 * Whether the schedule's rate changes by a discrete anneal between epoch e−1 and e (for events).
 * A change "at epoch 1" is the starting value, not an anneal.
 */
export function isLrAnnealEpoch(s: LrSchedule, epoch: number, state: ScheduleState): boolean {
  if (epoch <= 1) return false;
  switch (s.kind) {
    case 'multi-step':
      return s.milestones.includes(epoch);
    case 'step':
      return s.atEpoch === epoch;
    case 'loss-threshold':
      return state.annealedAfterEpoch === epoch - 1;
    default:
      return false;
  }
}

export function isNoiseAnnealEpoch(s: NoiseSchedule, epoch: number): boolean {
  return epoch > 1 && s.kind === 'step' && s.atEpoch === epoch;
}
