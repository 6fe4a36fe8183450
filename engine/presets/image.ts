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
// research/image/CALIBRATION.md (round 5; earlier stages: research/image/calibration/RESULTS.md).
// The criteria, judged seed by seed: no arm collapses; at the last epoch before the
// anneal small LR's patch-only accuracy beats both others' by ≥ 0.25; after the anneal the
// large-LR model learns the patch (final patch-only ≥ 0.5). These values pass all three on every
// one of the five fresh seeds 301–305 (and on the five screening seeds that had failed earlier
// candidates); round 3's presets (β 0.5, 0.1 → 0.004 from epoch 4, noise 0.4, 10 epochs) passed
// on 7 of 15 fresh seeds, 1 of 5 on 301–305. Why each value:
// - β 0.6: β 0.1 (CIFAR's) is learned by no condition; at 0.6 the small LR 0.01 fits the patch
//   within two epochs (patch-only 0.62–0.98 at epoch 2), at 0.7 the large LR fits it too.
// - Large LR 0.1 (CIFAR's) for epochs 1–2, then 0.01 (FMNIST_ANNEAL is the first annealed
//   epoch, as the authors count): 0.05 and 0.07 fit the patch before the anneal on some seeds,
//   0.15–0.2 damage the width-8 network. One epoch at 0.1 grows the BN'd conv weights 1.5–2.3×,
//   so after the anneal the model steps 2–4× smaller than the small-LR model at the same rate and
//   relearns the patch late (up to 11 annealed epochs on a screening seed): hence 20 epochs.
// - Small LR 0.01 (not the authors' 0.004): at 0.004 it fits the patch too slowly to leave a
//   margin at an anneal early enough for the large-LR model.
// - Noise 0.8 (not the authors' 0.4) until epoch 2: at small LR 0.01 noise 0.4 lets the noise arm
//   fit the patch by epoch 2 on some seeds; at 1.2 the training loss (measured with the noise)
//   stayed above log 10 through epoch 2 on seed 202 and the engine flagged the run collapsed
//   (since then a noisy epoch's collapse must also show in the clean validation accuracy, which
//   was 0.55–0.63 there: docs/science.md, "Collapse detection"; the screen was not re-run).
// What they do not show: the paper's headline, large LR ≥ small LR on clean accuracy. At epoch 20
// large LR has 0.793 ± 0.008 against 0.808 ± 0.006 (Welch p = 0.018, seeds 301–305): it leads
// briefly after the anneal and loses the lead as it fits the patch; small LR + noise has the best
// clean accuracy (0.816 ± 0.005). Round 3's presets showed the headline over their fifteen fresh
// seeds (0.822 ± 0.013 against 0.809 ± 0.009, p = 0.003; on 301–305 alone 0.812 against 0.805,
// p = 0.30).
// Remaining deviations from the authors' Fig. 3 setting, all for CPU scale: Fashion-MNIST subsets
// (10 000 train / 2 000 test) for CIFAR-10, a width-8 small CNN for WRN-16-10, β 0.6 for 0.1, small
// LR 0.01 for 0.004 (so the large LR anneals ×0.1 rather than ×0.04), noise 0.8 for 0.4, 20 epochs
// with the anneal at epoch 3 for 60 at 30. SGD (momentum 0.9, Nesterov, weight decay 5e-4, batch
// 128), the large LR 0.1, the patch construction (σ_z 1.25, α_max 1.75, 7×7, 80 % patched / 20 %
// patch-only), the noise anneal ×1e-5 and the epoch counting are the authors'.
export const FMNIST_PATCH = { enabled: true, sigmaZ: 1.25, beta: 0.6, alphaMax: 1.75, patchSize: 7, pPatched: 0.8, split: 'bernoulli', pPatchOnly: 0.2, patchOnlyValCount: 1000 } as const;
export const FMNIST_ANNEAL = 3;
export const FMNIST_EPOCHS = 20;
export const FMNIST_LARGE = 0.1;
export const FMNIST_SMALL = 0.01;
export const FMNIST_NOISE = 0.8;
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
  preset('patch-fmnist-noise', 'cpu-scale', 'patch-fmnist', 'small-lr-noise', `Patch Fashion-MNIST, small CNN: small LR + noise ${FMNIST_NOISE} → ${(FMNIST_NOISE * 1e-5).toExponential(0)} from epoch ${FMNIST_ANNEAL}`, 'CPU-scale analogue of Fig. 3 (small LR + annealed pre-activation noise)', {
    ...fmnist,
    optim: { lr: FMNIST_SMALL, ...SGD },
    lrSchedule: { kind: 'constant' },
    noiseSchedule: { kind: 'step', std: FMNIST_NOISE, atEpoch: FMNIST_ANNEAL, factor: 1e-5 },
  }),
];

export const imagePresets: readonly Preset[] = [...paper, ...cpuScale];
