/**
 * The learning rate γ_t and pre-activation noise τ_t of L-S, S and S+noise (Algorithms 1, 2 and
 * App. E.1), and when each run stops. The trainer (run.ts) and the designer's preview
 * (`syntheticScheduleCurve`) both read `syntheticSchedule`, over engine/schedules' one-anneal
 * schedule, so the preview shows what trains.
 */
import { annealCurve, type AnnealSchedule } from '../../schedules';
import type { ScheduleCurve } from '../kind';
import type { SyntheticSpec } from './spec';

export interface SyntheticSchedule extends AnnealSchedule {
  /** For L-S with a loss-threshold anneal: ε1, the offset above q·log 2 (q known once the data is drawn); else null. */
  readonly annealEps1: number | null;
  /** Stop when L̂ ≤ this (checked only once annealed, or always when `stopBeforeAnneal`). */
  readonly stopAt: number;
  readonly stopLabel: string;
  /** True when the stop threshold applies before any anneal (S). */
  readonly stopBeforeAnneal: boolean;
}

export function syntheticSchedule(alg: SyntheticSpec['algorithm']): SyntheticSchedule {
  switch (alg.name) {
    case 'L-S':
      return {
        before: { lr: alg.eta1, noise: 0 },
        after: { lr: alg.eta2, noise: 0 },
        atIteration: alg.anneal.mode === 'iteration' ? alg.anneal.at : null,
        annealEps1: alg.anneal.mode === 'loss-threshold' ? alg.anneal.eps1 : null,
        stopAt: alg.eps2,
        stopLabel: `train loss ≤ ε2 = ${alg.eps2}`,
        stopBeforeAnneal: false,
      };
    case 'S':
      return {
        before: { lr: alg.eta2, noise: 0 },
        after: { lr: alg.eta2, noise: 0 },
        atIteration: null,
        annealEps1: null,
        stopAt: alg.eps2prime,
        stopLabel: `train loss ≤ ε2′ = ${alg.eps2prime}`,
        stopBeforeAnneal: true,
      };
    case 'S+noise':
      return {
        before: { lr: alg.eta2, noise: alg.noiseTau0 },
        after: { lr: alg.eta2, noise: 0 },
        atIteration: alg.annealAt,
        annealEps1: null,
        stopAt: alg.eps2,
        stopLabel: `train loss ≤ ε2 = ${alg.eps2}`,
        stopBeforeAnneal: false,
      };
  }
}

/** Points the designer's preview samples over the run. */
const PREVIEW_POINTS = 400;

/** The schedule over iterations 0…maxIterations, as the designer previews it. */
export function syntheticScheduleCurve(spec: SyntheticSpec): ScheduleCurve {
  const s = syntheticSchedule(spec.algorithm);
  const { x, lr, noise } = annealCurve(s, spec.stopping.maxIterations, PREVIEW_POINTS);
  const note =
    s.annealEps1 !== null ? `η1 → η2 when L̂ < ε1 + q·log 2 (ε1 = ${s.annealEps1}): the step is decided while training` : null;
  return { xUnit: 'step', x, lr, noise, annealAt: s.atIteration, note };
}
