/**
 * What figures need to know per experiment kind: metric labels and which way is better,
 * default panels, and the named paper layouts. Until the experiment-kind registry
 * (engine/experiments/registry.ts) exists, the facts live here, in the registry's shape; the
 * registry replaces this table.
 */
import { guessBetter } from './summary';

export interface FigureMetricInfo {
  key: string;
  label: string;
  better: 'min' | 'max';
}

export interface FigureLayout {
  name: string;
  label: string;
  kind: string;
  /** Metric keys (panels); a 'table' layout draws none and exports the summary table. */
  panels: string[];
  xAxis: 'step' | 'epoch' | 'wall';
  description: string;
}

const LABELS: Record<string, string> = {
  'train/loss': 'training loss',
  'train/acc': 'training accuracy',
  'val/clean/acc': 'clean validation accuracy',
  'val/patch_only/acc': 'patch-only validation accuracy',
  'test/p_only/err': 'P-only test error',
  'train/p_only/acc': 'P-only training accuracy',
  'train/q_only/acc': 'Q-only training accuracy',
  lr: '\\eta',
  noise: '\\sigma',
};

export function metricInfo(key: string): FigureMetricInfo {
  return { key, label: LABELS[key] ?? key, better: guessBetter(key) };
}

export const DEFAULT_PANELS: Record<string, string[]> = {
  image: ['val/clean/acc', 'val/patch_only/acc', 'train/loss'],
  synthetic: ['test/p_only/err', 'train/q_only/acc', 'train/p_only/acc'],
};

export const LAYOUTS: FigureLayout[] = [
  {
    name: 'paper-fig3',
    label: 'Paper Fig. 3',
    kind: 'image',
    panels: ['val/clean/acc', 'val/patch_only/acc'],
    xAxis: 'epoch',
    description: 'Clean and patch-only validation accuracy vs. epoch for the three conditions, anneal marked.',
  },
  {
    name: 'learning-order',
    label: 'Learning order',
    kind: 'synthetic',
    panels: ['train/p_only/acc', 'train/q_only/acc'],
    xAxis: 'step',
    description: 'P-only and Q-only training accuracy vs. iteration per algorithm: which pattern each learns first.',
  },
];

/** `table` works for every kind: the summary table of the kind's default panels, as LaTeX. */
export const TABLE_LAYOUT = 'table';
