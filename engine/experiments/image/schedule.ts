/**
 * The learning rate and pre-activation noise std of an image run per epoch, from
 * engine/schedules (the functions the training loop calls), as the designer previews them.
 */
import { DATASET_FACTS } from '../../data/types';
import { learningRateAt, noiseStdAt } from '../../schedules';
import type { ScheduleCurve } from '../kind';
import type { ImageSpec } from './spec';

/** Training images a run uses: its subset, or the whole release. */
export function trainImages(spec: ImageSpec): number {
  return spec.dataset.trainSubset ?? DATASET_FACTS[spec.dataset.name].train;
}

export function stepsPerEpoch(spec: ImageSpec): number {
  return Math.ceil(trainImages(spec) / spec.optim.batchSize);
}

export function imageScheduleCurve(spec: ImageSpec): ScheduleCurve {
  const perEpoch = stepsPerEpoch(spec);
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
  return { xUnit: 'epoch', x, lr, noise, annealAt, note };
}
