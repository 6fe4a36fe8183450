/**
 * What an experiment kind is, in one object: its spec schema with field metadata, how a spec
 * resolves, its learning-rate/noise schedule over time, the values the designer derives, its
 * memory model, its condition label, its metric keys, the run browser's default columns, the
 * comparison view's default panels and paper layouts, and how it runs. Each kind is one folder
 * of engine/experiments exporting one such object; engine/experiments/registry.ts lists them and
 * everything outside the engine (api, host, renderer) is built from that table.
 *
 * Only the `run` member needs tfjs; everything else is plain arithmetic on the parsed spec.
 */
import type { ZodType } from 'zod';
import type { MemoryQuery } from '../memory/estimate';
import type { RunHooks, RunOptions, RunResult } from './types';

/** One metric key a kind records, with what people call it. */
export interface MetricInfo {
  readonly key: string;
  readonly label: string;
  /** The label on a figure's axis: short, lower case, TeX-lite allowed (`\\eta`); figures fall back to `label`. */
  readonly axisLabel?: string;
  readonly unit?: string;
  /** Which direction is better; absent for values that are neither (lr, noise, norms). */
  readonly better?: 'min' | 'max';
  /** The measure the key reports (its last path segment: loss, acc, err, …); panels group by it. */
  readonly family: string;
  /** The values it can take, [lowest, highest] (null: unbounded that way): accuracies and errors are fractions in [0, 1], losses ≥ 0. Figures keep their axes inside. */
  readonly bounds?: readonly [number | null, number | null];
}

/** A figure of the paper the comparison view can lay out for this kind. */
export interface PaperLayout {
  readonly name: string;
  readonly label: string;
  /** Metric keys, one panel each, in reading order. */
  readonly panels: readonly string[];
  readonly xAxis: 'step' | 'epoch' | 'wall';
  /** 'heatmap': a map over a sweep's cells built from these metrics, not curves (absent: curves). */
  readonly figure?: 'curves' | 'heatmap';
  readonly description: string;
}

/**
 * How a kind's runs make the `regime-map` heatmap over a grid sweep (drawn by the host,
 * electron/main/figures/regime.ts): per cell of the sweep, the seed-paired gap of one error
 * between two conditions, and per condition how many runs fit one part of the training data and
 * fit it before another part. Everything kind-specific the host needs is named here.
 */
export interface RegimeMapModel {
  /** Top-level spec fields that are never axes of the map besides seed, name and backend (the condition's own fields). */
  readonly notAxes: readonly string[];
  /** Spec paths preferred as the heatmaps' columns and rows when they vary. */
  readonly columns: string;
  readonly rows: string;
  /** Accuracy that counts as "fitted". */
  readonly fit: number;
  /** The part whose fitting is counted ("Q fitted", "Q before P"): its train accuracy key and short name. */
  readonly fitted: { readonly key: string; readonly name: string };
  /** The part it is compared against ("before P"). */
  readonly other: { readonly key: string; readonly name: string };
  /** The error whose gap the first panel shows: metric key, label ('P-only err') and CSV column stem. */
  readonly error: { readonly key: string; readonly label: string; readonly csv: string };
  /** The gap is `minuend − subtrahend` over seeds that ran both; `csv` is its CSV column stem. */
  readonly gap: { readonly minuend: string; readonly subtrahend: string; readonly csv: string };
}

/** The learning rate and pre-activation noise a spec follows over its run (designer preview and trainer alike). */
export interface ScheduleCurve {
  readonly xUnit: 'step' | 'epoch';
  readonly x: number[];
  readonly lr: number[];
  readonly noise: number[];
  /** Where the anneal happens when it is known before training; null when decided while training. */
  readonly annealAt: number | null;
  readonly note: string | null;
}

export interface DerivedValue {
  readonly label: string;
  readonly value: number | string;
  readonly unit?: string;
  readonly hint?: string;
}

/** What the run designer shows beside a spec before it runs. */
export interface SpecDescription {
  readonly derived: DerivedValue[];
  readonly schedule: ScheduleCurve;
  /** Upper bound on optimizer steps (max iterations, or epochs × steps per epoch). */
  readonly totalSteps: number;
  /** Groups runs whose steps cost the same, for time estimates from past runs. */
  readonly shapeKey: string;
}

/** A spec field as the designer, the run table and the CLI show it. */
export interface FieldMeta {
  /** Dotted path in the spec, e.g. `algorithm.eta1`. */
  readonly path: string;
  readonly label: string;
  readonly unit?: string;
  readonly help?: string;
  /** Shown among a run's key hyperparameters (in the order of `fields`). */
  readonly hyperparameter: boolean;
  /** The field that picks the run's condition (its `condition` label). */
  readonly condition: boolean;
}

/** The memory-model input the host's pre-launch check hands to engine/memory (backend added there). */
export type MemoryModel = Omit<MemoryQuery, 'backend'>;

/** What a kind's clients can offer beyond the common views. */
export interface KindCapabilities {
  /** The spec has a patch (z, ζ_i) the patch visualizer can preview: the designer and live run view offer it. */
  readonly patchPreview: boolean;
}

export interface ExperimentKind<S extends { kind: string; seed: number } = { kind: string; seed: number }> {
  /** The spec's `kind` value. */
  readonly kind: string;
  readonly label: string;
  /** Validates a spec of this kind (a strict object: unknown keys are errors). */
  readonly specSchema: ZodType<S>;
  readonly fields: readonly FieldMeta[];
  /** Cross-field problems and the derived numbers that run (the designer's derived values come from here). */
  resolve(spec: S): { readonly problems: readonly { readonly path: readonly (string | number)[]; readonly message: string }[] };
  /** The learning rate and noise over the run: the single source for the trainer and the preview. */
  schedule(spec: S): ScheduleCurve;
  describe(spec: S): SpecDescription;
  memoryModel(spec: S): MemoryModel;
  /** The run list's algorithm label, e.g. 'L-S' or 'SGD+noise'. */
  condition(spec: S): string;
  /**
   * The group a comparison (figure) puts a run in, when `condition` does not tell the kind's
   * comparisons apart (image: 'SGD' for both the large- and the small-LR preset).
   * `presetCondition` is the label of the run's preset condition ('large LR', …), null for a run
   * outside a preset. Absent: the group is `condition(spec)`.
   */
  comparisonLabel?(spec: S, presetCondition: string | null): string;
  /** Every condition label `condition` can return (filters list them before any run exists). */
  readonly conditions: readonly string[];
  readonly metrics: readonly MetricInfo[];
  /** Run browser metric keys shown by default. */
  readonly defaultColumns: readonly string[];
  /** Comparison view panels shown by default. */
  readonly defaultPanels: readonly string[];
  readonly layouts: readonly PaperLayout[];
  /** What the `regime-map` layout computes for this kind's sweeps; absent: the kind has no regime map. */
  readonly regimeMap?: RegimeMapModel;
  /** Views beyond the common ones (absent: none). */
  readonly capabilities?: Partial<KindCapabilities>;
  run(spec: S, hooks?: RunHooks, options?: RunOptions): Promise<RunResult>;
}

/** The JSON part of a kind, as the api carries it (`experiments.kinds`). */
export interface KindInfo {
  readonly kind: string;
  readonly label: string;
  readonly fields: readonly FieldMeta[];
  readonly conditions: readonly string[];
  readonly metrics: readonly MetricInfo[];
  readonly defaultColumns: readonly string[];
  readonly defaultPanels: readonly string[];
  readonly layouts: readonly PaperLayout[];
  readonly capabilities: KindCapabilities;
}

/** Which way a metric is better, from its family: losses and errors go down, accuracies up. */
export function betterOf(family: string): 'min' | 'max' | undefined {
  if (/^(loss|loss_reg|err|nll|ppl)$/.test(family)) return 'min';
  if (/^(acc|r_acc|g_acc)$/.test(family)) return 'max';
  return undefined;
}

/** The values a metric of this family can take: accuracies and errors are fractions, losses are not negative. */
export function boundsOf(family: string): readonly [number | null, number | null] | undefined {
  if (/^(acc|r_acc|g_acc|err)$/.test(family)) return [0, 1];
  if (/^(loss|loss_reg|nll)$/.test(family)) return [0, null];
  return undefined;
}

/** A MetricInfo from a key, a label and a figure axis label (family = the key's last segment). */
export function metric(key: string, label: string, axisLabel?: string, unit?: string): MetricInfo {
  const family = key.split('/').pop() ?? key;
  const better = betterOf(family);
  const bounds = boundsOf(family);
  return { key, label, family, ...(axisLabel ? { axisLabel } : {}), ...(unit ? { unit } : {}), ...(better ? { better } : {}), ...(bounds ? { bounds } : {}) };
}
