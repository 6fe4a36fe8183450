/**
 * What the run designer shows beside a spec before it runs: values derived from it (N from d
 * and κ, p0·N against d, the stationary τ0, step counts) and the learning-rate and noise
 * schedule it will follow. Pure arithmetic on the resolved spec: no tensors.
 */
import type { RunSpec } from '../spec';
import { learningRateAt, noiseStdAt } from '../schedules';
import { resolveSyntheticSpec } from './synthetic/resolve';
import type { ImageSpec } from './image/spec';
import type { SyntheticSpec } from './synthetic/spec';

export interface DerivedValue {
  readonly label: string;
  readonly value: number | string;
  readonly unit?: string;
  readonly hint?: string;
}

export interface SchedulePreview {
  readonly xUnit: 'step' | 'epoch';
  readonly x: number[];
  readonly lr: number[];
  readonly noise: number[];
  readonly annealAt: number | null;
  readonly note: string | null;
}

export interface SpecDescription {
  readonly derived: DerivedValue[];
  readonly schedule: SchedulePreview;
  /** Upper bound on optimizer steps (max iterations, or epochs × steps per epoch). */
  readonly totalSteps: number;
  /** Groups runs whose steps cost the same, for time estimates from past runs. */
  readonly shapeKey: string;
}

const TRAIN_SIZES: Record<string, number> = { cifar10: 50_000, 'fashion-mnist': 60_000, mnist: 60_000 };
const PREVIEW_POINTS = 400;

function sig(x: number): number {
  return Number(x.toPrecision(4));
}

function describeSynthetic(spec: SyntheticSpec): SpecDescription {
  const { resolved: r } = resolveSyntheticSpec(spec);
  const a = spec.algorithm;
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
  const n = Math.min(PREVIEW_POINTS, T + 1);
  const x: number[] = [];
  const lr: number[] = [];
  const noise: number[] = [];
  let annealAt: number | null = null;
  let note: string | null = null;
  if (a.name === 'L-S') {
    if (a.anneal.mode === 'iteration') annealAt = a.anneal.at;
    else note = `η1 → η2 when L̂ < ε1 + q·log 2 (ε1 = ${a.anneal.eps1}): the step is decided while training`;
  } else if (a.name === 'S+noise') annealAt = a.annealAt;
  for (let i = 0; i < n; i++) {
    const t = Math.round((i * T) / Math.max(1, n - 1));
    x.push(t);
    if (a.name === 'L-S') lr.push(annealAt !== null && t >= annealAt ? a.eta2 : a.eta1);
    else lr.push(a.eta2);
    noise.push(a.name === 'S+noise' && t < a.annealAt ? a.noiseTau0 : 0);
  }
  return {
    derived,
    schedule: { xUnit: 'step', x, lr, noise, annealAt, note },
    totalSteps: T,
    shapeKey: `synthetic:${r.d}:${r.N}:${r.m}:${r.k}:${r.batchSize ?? 'full'}`,
  };
}

function describeImage(spec: ImageSpec): SpecDescription {
  const nTrain = spec.dataset.trainSubset ?? TRAIN_SIZES[spec.dataset.name] ?? 50_000;
  const perEpoch = Math.ceil(nTrain / spec.optim.batchSize);
  const total = perEpoch * spec.epochs;
  const model = spec.model.arch === 'wrn' ? `WRN-${spec.model.depth}-${spec.model.widen}` : `small CNN (w=${spec.model.width})`;
  const derived: DerivedValue[] = [
    { label: 'Model', value: model },
    { label: 'Training images', value: nTrain },
    { label: 'Steps per epoch', value: perEpoch, unit: 'steps' },
    { label: 'Total steps', value: total, unit: 'steps' },
  ];
  if (spec.patch.enabled) {
    const p = spec.patch;
    derived.push({
      label: 'Updates: clean / patch-only / mixed',
      value: `${Math.round((1 - p.pPatched) * 100)}% / ${Math.round(p.pPatched * p.pPatchOnly * 100)}% / ${Math.round(p.pPatched * (1 - p.pPatchOnly) * 100)}%`,
    });
  }
  const x: number[] = [];
  const lr: number[] = [];
  const noise: number[] = [];
  let annealAt: number | null = null;
  for (let e = 1; e <= spec.epochs; e++) {
    const pos = { epoch: e, iteration: (e - 1) * perEpoch };
    x.push(e);
    lr.push(learningRateAt(spec.lrSchedule, spec.optim.lr, pos));
    noise.push(noiseStdAt(spec.noiseSchedule, pos));
  }
  const s = spec.lrSchedule;
  if (s.kind === 'step') annealAt = s.atEpoch;
  else if (s.kind === 'multi-step' && s.milestones.length) annealAt = Math.min(...s.milestones);
  const n = spec.noiseSchedule;
  if (annealAt === null && n.kind === 'step') annealAt = n.atEpoch;
  const note = s.kind === 'loss-threshold' ? `η × ${s.factor} after the first epoch with mean training loss ≤ ${s.threshold}: decided while training` : null;
  return {
    derived,
    schedule: { xUnit: 'epoch', x, lr, noise, annealAt, note },
    totalSteps: total,
    shapeKey: `image:${spec.dataset.name}:${nTrain}:${model}:${spec.optim.batchSize}`,
  };
}

export function describeSpec(spec: RunSpec): SpecDescription {
  return spec.kind === 'synthetic' ? describeSynthetic(spec) : describeImage(spec);
}
