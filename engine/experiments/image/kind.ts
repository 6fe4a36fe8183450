/**
 * The image experiments (paper Section 7, App. G) as one registry entry
 * (engine/experiments/kind.ts): patch-augmented or clean images, WRN or a small CNN, SGD with
 * LR and pre-activation noise schedules.
 */
import { DATASET_FACTS } from '../../data/types';
import type { ExperimentKind } from '../kind';
import { metric } from '../kind';
import { fieldsFromSchema } from '../fields';
import { describeImage } from './describe';
import { IMAGE_METRIC_KEYS } from './metrics';
import { runImageExperiment } from './run';
import { imageScheduleCurve } from './schedule';
import { ImageSpecSchema, type ImageSpec } from './spec';

/** Each key's label (run browser, designer) and its figure axis label (short, lower case, TeX-lite). */
const LABELS: Record<(typeof IMAGE_METRIC_KEYS)[number], readonly [string, string]> = {
  lr: ['Learning rate η', '\\eta'],
  noise: ['Pre-activation noise σ', '\\sigma'],
  'train/loss': ['Train loss', 'training loss'],
  'train/acc': ['Train accuracy', 'training accuracy'],
  'val/clean/loss': ['Validation loss, clean images', 'clean validation loss'],
  'val/clean/acc': ['Validation accuracy, clean images', 'clean validation accuracy'],
  'val/patch_only/loss': ['Validation loss, patch only', 'patch-only validation loss'],
  'val/patch_only/acc': ['Validation accuracy, patch only', 'patch-only validation accuracy'],
  'val/augmented/loss': ['Validation loss, patch + image', 'patch + image validation loss'],
  'val/augmented/acc': ['Validation accuracy, patch + image', 'patch + image validation accuracy'],
};

export const imageKind: ExperimentKind<ImageSpec> = {
  kind: 'image',
  label: 'Image classification',
  specSchema: ImageSpecSchema,
  fields: fieldsFromSchema(ImageSpecSchema, [
    { path: 'noiseSchedule.kind', condition: true },
    { path: 'optim.lr', hyperparameter: true },
    { path: 'model.depth', hyperparameter: true },
    { path: 'model.widen', hyperparameter: true },
    { path: 'model.width', hyperparameter: true },
    { path: 'optim.batchSize', hyperparameter: true },
    { path: 'epochs', hyperparameter: true },
    { path: 'noiseSchedule.std', hyperparameter: true },
    { path: 'optim.weightDecay', hyperparameter: true },
    { path: 'optim.momentum', hyperparameter: true },
    { path: 'lrSchedule.atEpoch', hyperparameter: true },
  ]),
  resolve: () => ({ problems: [] }),
  schedule: imageScheduleCurve,
  describe: describeImage,
  memoryModel(spec) {
    const model = spec.model.arch === 'wrn' ? ({ arch: 'wrn', depth: spec.model.depth, widen: spec.model.widen } as const) : ({ arch: 'small-cnn', width: spec.model.width } as const);
    const facts = DATASET_FACTS[spec.dataset.name];
    return { model, inputShape: facts.imageShape, batch: spec.optim.batchSize, classes: facts.classes };
  },
  condition: (spec) => (spec.noiseSchedule.kind !== 'none' ? 'SGD+noise' : 'SGD'),
  // 'SGD' names both the large- and the small-LR condition: a comparison groups runs of a preset
  // by the preset's condition, other runs by the label and their η.
  comparisonLabel: (spec, presetCondition) => presetCondition ?? `${spec.noiseSchedule.kind !== 'none' ? 'SGD+noise' : 'SGD'} η=${spec.optim.lr}`,
  conditions: ['SGD', 'SGD+noise'],
  metrics: IMAGE_METRIC_KEYS.map((k) => metric(k, ...LABELS[k])),
  defaultColumns: ['train/loss', 'val/clean/acc'],
  defaultPanels: ['val/clean/acc', 'val/patch_only/acc', 'train/loss'],
  layouts: [
    {
      name: 'paper-fig3',
      label: 'Paper Fig. 3: clean vs patch-only accuracy',
      panels: ['val/clean/acc', 'val/patch_only/acc'],
      xAxis: 'epoch',
      description:
        'Large LR, small LR and small LR + noise on patch-augmented images: the small LR memorizes the patch early (patch-only accuracy rises first), the large LR learns the images first and the patch only after the anneal.',
    },
  ],
  capabilities: { patchPreview: true },
  run: runImageExperiment,
};
