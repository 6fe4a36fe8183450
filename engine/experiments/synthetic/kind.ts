/**
 * The synthetic experiment as one registry entry (engine/experiments/kind.ts): the P/Q
 * distribution, the two-layer ReLU net, and the three algorithms L-S, S and S+noise.
 */
import type { ExperimentKind } from '../kind';
import { metric } from '../kind';
import { fieldsFromSchema } from '../fields';
import { describeSynthetic } from './describe';
import { resolveSyntheticSpec } from './resolve';
import { runSyntheticExperiment } from './run';
import { syntheticScheduleCurve } from './schedule';
import { SyntheticSpecSchema, type SyntheticSpec } from './spec';
import { SYNTHETIC_METRIC_KEYS } from './metrics';

/** Each key's label (run browser, designer) and its figure axis label (short, lower case, TeX-lite). */
const LABELS: Record<(typeof SYNTHETIC_METRIC_KEYS)[number], readonly [string, string]> = {
  lr: ['Learning rate γ_t', '\\eta'],
  noise: ['Pre-activation noise τ_t', '\\sigma'],
  'train/loss': ['Train loss L̂', 'training loss'],
  'train/loss_reg': ['Train loss L̂_λ (with weight decay)', 'regularized training loss'],
  'train/acc': ['Train accuracy', 'training accuracy'],
  'train/p_only/loss': ['Train loss, P-only examples', 'P-only training loss'],
  'train/p_only/acc': ['Train accuracy, P-only examples', 'P-only training accuracy'],
  'train/q_only/loss': ['Train loss, Q-only examples', 'Q-only training loss'],
  'train/q_only/acc': ['Train accuracy, Q-only examples', 'Q-only training accuracy'],
  'train/both/loss': ['Train loss, P+Q examples', 'P+Q training loss'],
  'train/both/acc': ['Train accuracy, P+Q examples', 'P+Q training accuracy'],
  'test/p_only/loss': ['Test loss, P-only', 'P-only test loss'],
  'test/p_only/acc': ['Test accuracy, P-only', 'P-only test accuracy'],
  'test/p_only/err': ['Test error, P-only', 'P-only test error'],
  'test/q_only/loss': ['Test loss, Q-only', 'Q-only test loss'],
  'test/q_only/acc': ['Test accuracy, Q-only', 'Q-only test accuracy'],
  'test/q_only/err': ['Test error, Q-only', 'Q-only test error'],
  'test/both/loss': ['Test loss, P+Q', 'P+Q test loss'],
  'test/both/acc': ['Test accuracy, P+Q', 'P+Q test accuracy'],
  'test/both/err': ['Test error, P+Q', 'P+Q test error'],
  'test/all/loss': ['Test loss', 'test loss'],
  'test/all/acc': ['Test accuracy', 'test accuracy'],
  'test/all/err': ['Test error', 'test error'],
  'test/r_acc': ['Test accuracy of r (P component)', 'test accuracy of r (P)'],
  'test/g_acc': ['Test accuracy of g (Q component)', 'test accuracy of g (Q)'],
  'norm/W': ['‖W‖_F (weights on x1)', '‖W‖_F'],
  'norm/V': ['‖V‖_F (weights on x2)', '‖V‖_F'],
};

export const syntheticKind: ExperimentKind<SyntheticSpec> = {
  kind: 'synthetic',
  label: 'Synthetic P/Q',
  specSchema: SyntheticSpecSchema,
  fields: fieldsFromSchema(SyntheticSpecSchema, [
    { path: 'algorithm.name', condition: true },
    { path: 'algorithm.eta1', hyperparameter: true },
    { path: 'algorithm.eta2', hyperparameter: true },
    { path: 'data.d', hyperparameter: true },
    { path: 'model.width', hyperparameter: true },
    { path: 'data.N', hyperparameter: true },
    { path: 'data.kappa', hyperparameter: true },
    { path: 'minibatch.size', hyperparameter: true },
    { path: 'algorithm.noiseTau0', hyperparameter: true },
    { path: 'gradientNoise.tauXi', hyperparameter: true },
    { path: 'init.tau0', hyperparameter: true },
    { path: 'objective.lambda', hyperparameter: true },
    { path: 'algorithm.anneal.at', hyperparameter: true },
    { path: 'algorithm.annealAt', hyperparameter: true },
  ]),
  resolve: resolveSyntheticSpec,
  schedule: syntheticScheduleCurve,
  describe: describeSynthetic,
  memoryModel(spec) {
    const r = resolveSyntheticSpec(spec).resolved;
    return { model: { arch: 'two-layer', inputDim: 2 * r.d, width: r.m }, inputShape: [1, 1, 1], batch: r.batchSize ?? r.N };
  },
  condition: (spec) => spec.algorithm.name,
  conditions: ['L-S', 'S', 'S+noise'],
  metrics: SYNTHETIC_METRIC_KEYS.map((k) => metric(k, ...LABELS[k])),
  defaultColumns: ['train/loss', 'test/all/acc'],
  defaultPanels: ['test/p_only/err', 'train/q_only/acc', 'train/p_only/acc'],
  layouts: [
    {
      name: 'learning-order',
      label: 'What is learned when (P vs Q)',
      panels: ['train/p_only/acc', 'train/q_only/acc'],
      xAxis: 'step',
      description:
        'L-S, S and S+noise side by side: the large rate first learns the hard-to-fit, generalizable P pattern and only memorizes Q after the anneal; the small rate memorizes Q first.',
    },
    {
      name: 'regime-map',
      label: 'Regime map of a grid sweep',
      panels: ['test/p_only/err', 'train/q_only/acc', 'train/p_only/acc'],
      xAxis: 'step',
      figure: 'heatmap',
      description:
        'One heatmap cell per point of a grid sweep: the paired S − L-S gap in P-only test error, and per algorithm how many runs fit Q and fit Q before P (docs/science.md, "Regime map").',
    },
  ],
  regimeMap: {
    notAxes: ['algorithm'],
    columns: 'data.r',
    rows: 'model.width',
    fit: 0.95,
    fitted: { key: 'train/q_only/acc', name: 'Q' },
    other: { key: 'train/p_only/acc', name: 'P' },
    error: { key: 'test/p_only/err', label: 'P-only err', csv: 'p_only_err' },
    gap: { minuend: 'S', subtrahend: 'L-S', csv: 'gap_s_minus_ls' },
  },
  run: runSyntheticExperiment,
};
