/**
 * Image presets. 'paper': faithful copies of the table in docs/paper.md §2.4 (Fig. 3 / Table 2 on
 * patch-augmented CIFAR-10 with WRN-16-10, 60 epochs; Table 1 on plain CIFAR-10, 200 epochs).
 * 'cpu-scale': the same three-way comparison on Fashion-MNIST with a small CNN, sized to
 * finish in about ten minutes on two cores; its patch values, rates and anneal epoch come from
 * the calibration sweep (research/image/CALIBRATION.md) and are shared by all three conditions.
 */
import type { RunSpecInput } from '../spec';
import type { Preset } from './types';

type ImageInput = Extract<RunSpecInput, { kind: 'image' }>;
type ImageBody = Omit<ImageInput, 'seed'>;

const WRN_16_10 = { arch: 'wrn', depth: 16, widen: 10 } as const;
const SGD = { momentum: 0.9, nesterov: true, weightDecay: 5e-4, batchSize: 128 } as const;
const CIFAR = { name: 'cifar10' } as const;
const CIFAR_PATCH = { enabled: true, sigmaZ: 1.25, beta: 0.1, alphaMax: 1.75, patchSize: 7, pPatched: 0.8, split: 'bernoulli', pPatchOnly: 0.2, patchOnlyValCount: 1000 } as const;
const NO_PATCH = { enabled: false } as const;

function preset(name: string, group: Preset['group'], comparison: string, condition: Preset['condition'], title: string, description: string, body: Omit<ImageBody, 'kind' | 'backend' | 'name'>): Preset {
  const spec: ImageBody = { kind: 'image', backend: 'auto', name, ...body };
  return { name, group, comparison, condition, title, description, spec };
}

// Fig. 3 / Table 2: epochs 30–60 run at the small rate (the authors' `E >= 30`, docs/science.md).
const FIG3_ANNEAL = 30;
const fig3 = { dataset: CIFAR, patch: CIFAR_PATCH, model: WRN_16_10, epochs: 60 } as const;

// Table 1: ×0.2 from epochs 60, 120 and 150 on (of 200), no patch, no augmentation.
const TABLE1_STEPS = { kind: 'multi-step' as const, milestones: [60, 120, 150], gamma: 0.2 };
const table1 = { dataset: CIFAR, patch: NO_PATCH, model: WRN_16_10, epochs: 200, lrSchedule: TABLE1_STEPS } as const;

const paper: Preset[] = [
  preset('patch-cifar-large-lr', 'paper', 'patch-cifar', 'large-lr', 'Patch CIFAR-10, WRN-16-10: large LR 0.1 → 0.004 from epoch 30 (Fig. 3)', 'η 0.1, ×0.04 from epoch 30 on; 60 epochs; needs a native or GPU backend', {
    ...fig3,
    optim: { lr: 0.1, ...SGD },
    lrSchedule: { kind: 'step', atEpoch: FIG3_ANNEAL, factor: 0.04 },
    noiseSchedule: { kind: 'none' },
  }),
  preset('patch-cifar-small-lr', 'paper', 'patch-cifar', 'small-lr', 'Patch CIFAR-10, WRN-16-10: small LR 0.004 fixed (Fig. 3)', 'η 0.004 throughout; 60 epochs; needs a native or GPU backend', {
    ...fig3,
    optim: { lr: 0.004, ...SGD },
    lrSchedule: { kind: 'constant' },
    noiseSchedule: { kind: 'none' },
  }),
  preset('patch-cifar-noise', 'paper', 'patch-cifar', 'small-lr-noise', 'Patch CIFAR-10, WRN-16-10: small LR + noise 0.4 → 4e-6 from epoch 30 (Fig. 3)', 'η 0.004; pre-activation noise σ 0.4, ×1e-5 from epoch 30 on; 60 epochs', {
    ...fig3,
    optim: { lr: 0.004, ...SGD },
    lrSchedule: { kind: 'constant' },
    noiseSchedule: { kind: 'step', std: 0.4, atEpoch: FIG3_ANNEAL, factor: 1e-5 },
  }),
  preset('cifar-large-lr', 'paper', 'cifar', 'large-lr', 'CIFAR-10, WRN-16-10: large LR 0.1, ×0.2 at 60, 120, 150 (Table 1)', 'No augmentation; 200 epochs; needs a native or GPU backend', {
    ...table1,
    optim: { lr: 0.1, ...SGD },
    noiseSchedule: { kind: 'none' },
  }),
  preset('cifar-small-lr', 'paper', 'cifar', 'small-lr', 'CIFAR-10, WRN-16-10: small LR 0.01, ×0.2 at 60, 120, 150 (Table 1)', 'No augmentation; 200 epochs; needs a native or GPU backend', {
    ...table1,
    optim: { lr: 0.01, ...SGD },
    noiseSchedule: { kind: 'none' },
  }),
  preset('cifar-small-lr-noise', 'paper', 'cifar', 'small-lr-noise', 'CIFAR-10, WRN-16-10: small LR 0.01 + noise 0.2, ×0.995 per iteration (Table 1)', "Noise decays per iteration (paper); the code's per-epoch variant is noiseSchedule.kind = exp-epoch", {
    ...table1,
    optim: { lr: 0.01, ...SGD },
    noiseSchedule: { kind: 'exp-iteration', std: 0.2, rate: 0.995 },
  }),
];

// CPU scale, shared by all three conditions; chosen by the calibration sweep documented in
// research/image/CALIBRATION.md (earlier stages: research/image/calibration/RESULTS.md).
// β 0.1 (CIFAR's) was learned by no condition; at β 0.5 the small LR 0.004 memorizes the patch
// within 2–3 epochs while small LR + noise 0.4 does not. The large LR is 0.1, CIFAR's value:
// 0.2 (the previous preset) and 0.15 damage the width-8 network (clean accuracy dips to
// 0.57–0.64 before the anneal) and its model then relearns the patch only partly after the
// anneal (patch-only 0.38 / 0.61 at epoch 12 on seed 1, against 0.98 at 0.1); 0.4 killed it.
// At 0.1 the large-LR model starts picking the patch up in epoch 4, so the anneal comes first:
// epochs 1–3 at the large rate / with noise, epochs 4–10 at the small rate (FMNIST_ANNEAL is the
// first annealed epoch, as the authors count). Judged seed by seed, these presets show all the
// effects on most seeds, not on every one (6 of 10 fresh seeds; the misses: the large-LR model
// fits the patch by epoch 3 on one, does not relearn it after the anneal on three), and large LR
// beats small LR on clean accuracy (0.827 vs 0.812 over those ten seeds, Welch p = 0.002). Round
// 4 in CALIBRATION.md searched for a setting that passes on every seed and found none that held
// on fresh seeds. Deviations from the authors' Fig. 3 setting, all for CPU scale: Fashion-MNIST
// subsets (10 000 train / 2 000 test) for CIFAR-10, a width-8 small CNN for WRN-16-10, β 0.5 for
// 0.1, 10 epochs with the anneal at epoch 4 for 60 at 30. SGD (momentum 0.9, Nesterov, weight
// decay 5e-4, batch 128), the rates 0.1 / 0.004, the patch construction (σ_z 1.25, α_max 1.75,
// 7×7, 80 % patched / 20 % patch-only), noise 0.4 → ×1e-5 and the epoch counting are the authors'.
export const FMNIST_PATCH = { enabled: true, sigmaZ: 1.25, beta: 0.5, alphaMax: 1.75, patchSize: 7, pPatched: 0.8, split: 'bernoulli', pPatchOnly: 0.2, patchOnlyValCount: 1000 } as const;
export const FMNIST_ANNEAL = 4;
export const FMNIST_EPOCHS = 10;
export const FMNIST_LARGE = 0.1;
export const FMNIST_SMALL = 0.004;
const fmnist = {
  dataset: { name: 'fashion-mnist', trainSubset: 10_000, testSubset: 2000 },
  patch: FMNIST_PATCH,
  model: { arch: 'small-cnn', width: 8 },
  epochs: FMNIST_EPOCHS,
} as const;

const cpuScale: Preset[] = [
  preset('patch-fmnist-large-lr', 'cpu-scale', 'patch-fmnist', 'large-lr', `Patch Fashion-MNIST, small CNN: large LR ${FMNIST_LARGE} → ${FMNIST_SMALL} from epoch ${FMNIST_ANNEAL}`, 'CPU-scale analogue of Fig. 3 (large LR)', {
    ...fmnist,
    optim: { lr: FMNIST_LARGE, ...SGD },
    lrSchedule: { kind: 'step', atEpoch: FMNIST_ANNEAL, factor: FMNIST_SMALL / FMNIST_LARGE },
    noiseSchedule: { kind: 'none' },
  }),
  preset('patch-fmnist-small-lr', 'cpu-scale', 'patch-fmnist', 'small-lr', `Patch Fashion-MNIST, small CNN: small LR ${FMNIST_SMALL} fixed`, 'CPU-scale analogue of Fig. 3 (small LR)', {
    ...fmnist,
    optim: { lr: FMNIST_SMALL, ...SGD },
    lrSchedule: { kind: 'constant' },
    noiseSchedule: { kind: 'none' },
  }),
  preset('patch-fmnist-noise', 'cpu-scale', 'patch-fmnist', 'small-lr-noise', `Patch Fashion-MNIST, small CNN: small LR + noise 0.4 → 4e-6 from epoch ${FMNIST_ANNEAL}`, 'CPU-scale analogue of Fig. 3 (small LR + annealed pre-activation noise)', {
    ...fmnist,
    optim: { lr: FMNIST_SMALL, ...SGD },
    lrSchedule: { kind: 'constant' },
    noiseSchedule: { kind: 'step', std: 0.4, atEpoch: FMNIST_ANNEAL, factor: 1e-5 },
  }),
];

export const imagePresets: readonly Preset[] = [...paper, ...cpuScale];
