/**
 * What the designer shows beside a synthetic spec: N from d and κ, p0·N against d, the
 * stationary τ0, step counts, and the schedule it will follow. Pure arithmetic: no tensors.
 */
import type { DerivedValue, SpecDescription } from '../kind';
import { resolveSyntheticSpec } from './resolve';
import { syntheticScheduleCurve } from './schedule';
import type { SyntheticSpec } from './spec';

function sig(x: number): number {
  return Number(x.toPrecision(4));
}

export function describeSynthetic(spec: SyntheticSpec): SpecDescription {
  const { resolved: r } = resolveSyntheticSpec(spec);
  const T = r.maxIterations;
  const pN = r.p0 * r.N;
  const derived: DerivedValue[] = [
    { label: 'N (training examples)', value: r.N, hint: spec.data.N === undefined ? 'd/κ²' : 'set' },
    { label: 'κ', value: sig(r.kappa) },
    { label: 'p0', value: sig(r.p0), hint: spec.data.p0 === undefined ? 'κ²/2' : 'set' },
    {
      label: 'p0·N vs d',
      value: `${sig(pN)} vs ${r.d}`,
      hint: pN < r.d ? 'fewer P-only examples than dimensions: P cannot be learned from them alone' : 'P-only examples alone already span d',
    },
    { label: 'r = ‖ζ‖', value: sig(r.r), hint: spec.data.r === undefined ? 'd^(-3/4)' : 'set' },
    { label: 'λ', value: sig(r.lambda), hint: spec.objective.lambda === undefined ? 'd^(-5/4)' : 'set' },
    { label: 'τ0 (init std)', value: sig(r.tau0), hint: spec.init.tau0 === 'stationary' ? 'stationary at η1 (Assumption 3.1)' : 'set' },
    { label: 'Parameters', value: r.m * 2 * r.d, unit: 'weights' },
    { label: 'Max iterations', value: T, unit: 'steps' },
  ];
  return {
    derived,
    schedule: syntheticScheduleCurve(spec),
    totalSteps: T,
    shapeKey: `synthetic:${r.d}:${r.N}:${r.m}:${r.k}:${r.batchSize ?? 'full'}`,
  };
}
