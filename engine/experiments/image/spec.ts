/**
 * RunSpec of kind 'image': the paper's image experiments (Section 7, App. G; docs/paper.md §2) —
 * patch-augmented or clean CIFAR-10 / Fashion-MNIST / MNIST, WRN-16-k or a small CNN,
 * Nesterov SGD, LR and pre-activation noise schedules. Pure zod, no tfjs: the host validates specs with
 * it and the designer's form is generated from its JSON Schema (experiments.jsonSchema).
 */
import { z } from 'zod';
import { commonSpecFields } from '../../spec/common';

const epochField = (title: string, description: string) => z.number().int().min(0).max(10_000).meta({ title, description, unit: 'epoch' });

export const DatasetSpecSchema = z
  .strictObject({
    name: z.enum(['cifar10', 'fashion-mnist', 'mnist']).default('cifar10').meta({ title: 'Dataset', description: 'CIFAR-10 (32×32×3) or Fashion-MNIST / MNIST (28×28×1)' }),
    path: z
      .string()
      .min(1)
      .optional()
      .meta({ title: 'Location', description: 'Folder with the files, or cifar-10-binary.tar.gz; empty: the known locations ($LRLAB_DATA_DIR/<name>, /usr/share/datasets/<name>)' }),
    trainSubset: z.number().int().min(10).max(60_000).optional().meta({ title: 'Training images', description: 'Use a random subset of this many training images (from the seed); empty: all', unit: 'images' }),
    testSubset: z.number().int().min(10).max(10_000).optional().meta({ title: 'Test images', description: 'Evaluate on a random subset of this many test images; empty: all', unit: 'images' }),
    verifyChecksum: z.boolean().default(true).meta({ title: 'Verify MD5', description: 'Refuse a cifar-10-binary.tar.gz whose MD5 differs from the official release' }),
  })
  .meta({ title: 'Data', description: 'Which images, and how many' });

export const PatchSpecSchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({ title: 'Patch', description: 'Add the memorizable 7×7 patch (Fig. 3, Table 2); off: plain images (Table 1)' }),
    sigmaZ: z.number().min(0).max(50).default(1.25).meta({ title: 'σ_z', description: 'σ_z — std of the shared patch z (normalized pixel units)' }),
    beta: z.number().min(0).max(50).default(0.1).meta({ title: 'β', description: 'β — class patches ζ_i have entries U(−β, β)' }),
    alphaMax: z.number().min(0).max(100).default(1.75).meta({ title: 'α_max', description: 'α_max — patch-only images use z ± α_max·u·ζ_y, u ~ U(0,1)' }),
    patchSize: z.number().int().min(1).max(32).default(7).meta({ title: 'Patch size', description: 'Side of the square patch, placed at the image centre', unit: 'px' }),
    pPatched: z.number().min(0).max(1).default(0.8).meta({ title: 'Patched fraction', description: 'Fraction of training images that carry the patch (fixed at start)' }),
    split: z
      .enum(['bernoulli', 'exact'])
      .default('bernoulli')
      .meta({ title: 'Patched subset', description: "bernoulli: each image independently (authors' code); exact: exactly that fraction (paper's 40 000/10 000)" }),
    pPatchOnly: z.number().min(0).max(1).default(0.2).meta({ title: 'Patch-only probability', description: 'Each load of a patched image is patch-only with this probability, else patch + image' }),
    patchOnlyValCount: z.number().int().min(10).max(100_000).default(1000).meta({ title: 'Patch-only validation images', description: 'Size of the patch-only validation set (uniform labels)', unit: 'images' }),
  })
  .meta({ title: 'Patch', description: 'The memorizable patch (paper Fig. 3, App. G.2)' });

export const ModelSpecSchema = z
  .discriminatedUnion('arch', [
    z
      .strictObject({
        arch: z.literal('wrn').meta({ title: 'WideResNet', description: 'WRN-d-k with pre-activation blocks (paper: WRN-16-10)' }),
        depth: z
          .number()
          .int()
          .min(10)
          .max(100)
          .default(16)
          .refine((d) => (d - 4) % 6 === 0, { message: 'WRN depth must be 6n + 4 (10, 16, 22, 28, ...)' })
          .meta({ title: 'Depth', description: 'd — WRN depth, 6n + 4' }),
        widen: z.number().int().min(1).max(16).default(10).meta({ title: 'Widen factor', description: 'k — channel multiplier (paper: 10, 17.1 M parameters)' }),
      })
      .meta({ title: 'WideResNet' }),
    z
      .strictObject({
        arch: z.literal('small-cnn').meta({ title: 'Small CNN', description: 'Three conv-BN-ReLU stages (w, 2w, 4w), global average pool, dense' }),
        width: z.number().int().min(2).max(256).default(16).meta({ title: 'Width', description: 'w — channels of the first stage' }),
      })
      .meta({ title: 'Small CNN' }),
  ])
  .meta({ title: 'Model', description: 'Network architecture' });

export const OptimSpecSchema = z
  .strictObject({
    lr: z.number().positive().max(100).default(0.1).meta({ title: 'η', description: 'η — initial learning rate (large: 0.1, small: 0.004 or 0.01)' }),
    momentum: z.number().min(0).max(0.999).default(0.9).meta({ title: 'Momentum', description: 'μ — SGD momentum' }),
    nesterov: z.boolean().default(true).meta({ title: 'Nesterov', description: 'Nesterov momentum' }),
    weightDecay: z.number().min(0).max(1).default(5e-4).meta({ title: 'Weight decay', description: 'λ — L2 weight decay on all parameters' }),
    batchSize: z.number().int().min(1).max(4096).default(128).meta({ title: 'Batch size', description: 'Minibatch size; the training set is reshuffled each epoch', unit: 'images' }),
  })
  .meta({ title: 'Optimizer', description: 'SGD (PyTorch semantics)' });

export const LrScheduleSpecSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('constant').meta({ title: 'Constant', description: 'η fixed' }) }).meta({ title: 'Constant' }),
    z
      .strictObject({
        kind: z.literal('multi-step').meta({ title: 'Multi-step', description: 'η ×γ from each listed epoch on' }),
        milestones: z.array(z.number().int().min(1).max(10_000)).max(20).default([60, 120, 150]).meta({ title: 'Milestones', description: 'First epochs (1-based) run at the next ×γ rate (authors: 60, 120, 150)', unit: 'epoch' }),
        gamma: z.number().positive().max(10).default(0.2).meta({ title: 'γ', description: 'γ — factor at each milestone' }),
      })
      .meta({ title: 'Multi-step' }),
    z
      .strictObject({
        kind: z.literal('step').meta({ title: 'Single step', description: 'η ×factor once, from one epoch on' }),
        atEpoch: epochField('Anneal epoch', 'First epoch (1-based) at the new η, as in the authors\' code (Fig. 3: 30)').default(30),
        factor: z.number().positive().max(10).default(0.04).meta({ title: 'Factor', description: 'η2/η1 (0.1 → 0.004: 0.04)' }),
      })
      .meta({ title: 'Single step' }),
    z
      .strictObject({
        kind: z.literal('exponential').meta({ title: 'Exponential', description: 'η·rate^t per iteration t' }),
        rate: z.number().positive().max(1).default(0.9999).meta({ title: 'Rate', description: 'Factor per iteration' }),
        minLr: z.number().min(0).max(100).default(0).meta({ title: 'Minimum η', description: 'η never goes below this' }),
      })
      .meta({ title: 'Exponential' }),
    z
      .strictObject({
        kind: z.literal('loss-threshold').meta({ title: 'Loss threshold', description: 'η ×factor after the first epoch whose mean training loss ≤ threshold' }),
        threshold: z.number().min(0).max(100).default(0.5).meta({ title: 'Threshold', description: 'Mean training loss that triggers the anneal' }),
        factor: z.number().positive().max(10).default(0.04).meta({ title: 'Factor', description: 'η2/η1' }),
      })
      .meta({ title: 'Loss threshold' }),
  ])
  .default({ kind: 'constant' })
  .meta({ title: 'LR schedule', description: 'How η changes (set at the start of each epoch; exponential per iteration)' });

export const NoiseScheduleSpecSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none').meta({ title: 'None', description: 'No pre-activation noise' }) }).meta({ title: 'None' }),
    z
      .strictObject({
        kind: z.literal('step').meta({ title: 'Step', description: 'σ ×factor from one epoch on (Fig. 3: 0.4 → 4e-6 from epoch 30)' }),
        std: z.number().min(0).max(100).default(0.4).meta({ title: 'σ', description: 'σ — noise std before the anneal' }),
        atEpoch: epochField('Anneal epoch', 'First epoch (1-based) at the new σ (Fig. 3: 30)').default(30),
        factor: z.number().min(0).max(10).default(1e-5).meta({ title: 'Factor', description: 'σ after / σ before' }),
      })
      .meta({ title: 'Step' }),
    z
      .strictObject({
        kind: z.literal('exp-iteration').meta({ title: 'Per iteration (paper)', description: 'σ·rate^t per iteration t (Table 1: 0.2, ×0.995)' }),
        std: z.number().min(0).max(100).default(0.2).meta({ title: 'σ', description: 'σ — initial noise std' }),
        rate: z.number().min(0).max(1).default(0.995).meta({ title: 'Rate', description: 'Factor per iteration' }),
      })
      .meta({ title: 'Per iteration (paper)' }),
    z
      .strictObject({
        kind: z.literal('exp-epoch').meta({ title: 'Per epoch (code)', description: "σ·rate^(epoch−1) (the authors' code)" }),
        std: z.number().min(0).max(100).default(0.2).meta({ title: 'σ', description: 'σ — initial noise std' }),
        rate: z.number().min(0).max(1).default(0.995).meta({ title: 'Rate', description: 'Factor per epoch' }),
      })
      .meta({ title: 'Per epoch (code)' }),
  ])
  .default({ kind: 'none' })
  .meta({ title: 'Noise schedule', description: 'Pre-activation noise: one N(0, σ²) (H, W) sample per site per step, after BN, before each ReLU; training only' });

export const ImageSpecSchema = z.strictObject({
  kind: z.literal('image'),
  ...commonSpecFields,
  dataset: DatasetSpecSchema.prefault({}),
  patch: PatchSpecSchema.prefault({}),
  model: ModelSpecSchema.default({ arch: 'wrn', depth: 16, widen: 10 }),
  optim: OptimSpecSchema.prefault({}),
  lrSchedule: LrScheduleSpecSchema,
  noiseSchedule: NoiseScheduleSpecSchema,
  epochs: z.number().int().min(1).max(10_000).default(60).meta({ title: 'Epochs', description: 'Passes over the training set', unit: 'epoch' }),
  logging: z
    .strictObject({
      everyIterations: z
        .number()
        .int()
        .min(0)
        .max(1_000_000)
        .default(0)
        .meta({ title: 'Train metrics every', description: 'Also record lr, noise, train/loss, train/acc every n iterations (0: per epoch only)', unit: 'iterations' }),
      evalBatchSize: z.number().int().min(1).max(10_000).default(500).meta({ title: 'Evaluation batch', description: 'Images per forward pass when evaluating', unit: 'images' }),
    })
    .prefault({})
    .meta({ title: 'Logging', description: 'Metrics are recorded at the end of every epoch' }),
});
export type ImageSpec = z.infer<typeof ImageSpecSchema>;
export type ImageSpecInput = z.input<typeof ImageSpecSchema>;
