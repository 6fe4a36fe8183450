/** What the designer shows beside an image spec: model, images, steps, update mix, schedule. */
import type { DerivedValue, SpecDescription } from '../kind';
import { imageScheduleCurve, stepsPerEpoch, trainImages } from './schedule';
import type { ImageSpec } from './spec';

export function modelLabel(spec: ImageSpec): string {
  return spec.model.arch === 'wrn' ? `WRN-${spec.model.depth}-${spec.model.widen}` : `small CNN (w=${spec.model.width})`;
}

export function describeImage(spec: ImageSpec): SpecDescription {
  const nTrain = trainImages(spec);
  const perEpoch = stepsPerEpoch(spec);
  const total = perEpoch * spec.epochs;
  const model = modelLabel(spec);
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
  return {
    derived,
    schedule: imageScheduleCurve(spec),
    totalSteps: total,
    shapeKey: `image:${spec.dataset.name}:${nTrain}:${model}:${spec.optim.batchSize}`,
  };
}
