import type { RunSpecInput } from '../spec';

/** Omit over each member of a union (plain Omit keeps only the keys all members share). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type PresetGroup = 'synthetic' | 'cpu-scale' | 'paper';

/** The preset groups in the order the designer lists them, with their titles. */
export const PRESET_GROUPS: readonly { readonly id: PresetGroup; readonly title: string }[] = [
  { id: 'paper', title: 'Paper, full scale' },
  { id: 'cpu-scale', title: 'CPU scale' },
  { id: 'synthetic', title: 'Synthetic' },
];

export type PresetCondition = 'large-lr' | 'small-lr' | 'small-lr-noise';

/** How figures and tables name a preset's condition. */
export const PRESET_CONDITION_LABELS: Readonly<Record<PresetCondition, string>> = { 'large-lr': 'large LR', 'small-lr': 'small LR', 'small-lr-noise': 'small LR + noise' };

export interface Preset {
  /** Stable id used by `lrlab run --preset NAME`, e.g. `toy-ls`. */
  readonly name: string;
  readonly group: PresetGroup;
  /** One line for `lrlab presets` and the designer. */
  readonly title: string;
  readonly description: string;
  /** Condition within a comparison: large LR, small LR or small LR + noise. */
  readonly condition: PresetCondition;
  /** Presets that form one three-way comparison share this id. */
  readonly comparison: string;
  /** The spec without its seed (the seed is chosen at launch). */
  readonly spec: DistributiveOmit<RunSpecInput, 'seed'>;
}
