/**
 * What the renderer knows about experiment kinds, all of it from the host's
 * `experiments.kinds` (the engine's registry): default metric columns, condition labels,
 * key hyperparameters, metric labels and which way is better, comparison defaults. No kind,
 * condition or metric key is named here.
 */
import type { FieldInfo, KindInfo, MetricInfo } from '@api/index';

type HValue = number | string | boolean | null;

function unique(xs: Iterable<string>): string[] {
  return [...new Set(xs)];
}

/** The run browser's default metric keys: every kind's default columns, in registry order. */
export function defaultMetricKeys(kinds: readonly KindInfo[]): string[] {
  return unique(kinds.flatMap((k) => k.defaultColumns));
}

/** Every condition (algorithm) label the kinds can give a run, for filters before any run exists. */
export function conditionLabels(kinds: readonly KindInfo[]): string[] {
  return unique(kinds.flatMap((k) => k.conditions));
}

/**
 * The comparison view's default panels for runs of these kinds (all kinds when none is given):
 * each kind's default panels, in registry order.
 */
export function comparisonDefaults(kinds: readonly KindInfo[], inView: readonly string[] = []): string[] {
  const shown = inView.length ? kinds.filter((k) => inView.includes(k.kind)) : kinds;
  return unique(shown.flatMap((k) => k.defaultPanels));
}

/** The metric's description in whichever kind records it, or null for a key no kind lists. */
export function metricInfo(kinds: readonly KindInfo[], key: string): MetricInfo | null {
  for (const k of kinds) {
    const m = k.metrics.find((x) => x.key === key);
    if (m) return m;
  }
  return null;
}

/** "Best" of a metric is its minimum when smaller is better (losses, errors), else its maximum. */
export function bestStat(kinds: readonly KindInfo[], key: string): 'min' | 'max' {
  return metricInfo(kinds, key)?.better === 'min' ? 'min' : 'max';
}

/** Whether runs of `kind` have a patch the patch visualizer can preview (false for a kind the host does not list). */
export function hasPatchPreview(kinds: readonly KindInfo[], kind: unknown): boolean {
  return kinds.find((k) => k.kind === kind)?.capabilities.patchPreview === true;
}

/** A field's metadata in a kind, by dotted path. */
export function fieldOf(kinds: readonly KindInfo[], kind: string, path: string): FieldInfo | null {
  return kinds.find((k) => k.kind === kind)?.fields.find((f) => f.path === path) ?? null;
}

/** The few hyperparameters worth a glance: the kind's hyperparameter fields, in its order, that the run sets. */
export function keyHparams(
  kinds: readonly KindInfo[],
  kind: string,
  hparams: Readonly<Record<string, HValue>>,
  max = 6,
): { label: string; value: HValue; path: string }[] {
  const fields = kinds.find((k) => k.kind === kind)?.fields ?? [];
  const out: { label: string; value: HValue; path: string }[] = [];
  for (const f of fields) {
    if (!f.hyperparameter) continue;
    const v = hparams[f.path];
    if (v === undefined || v === null || typeof v === 'boolean') continue;
    out.push({ path: f.path, label: f.label, value: v });
    if (out.length >= max) break;
  }
  return out;
}
