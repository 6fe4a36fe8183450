/**
 * One-click paper layouts: a figure spec from a layout name and runs. `paper-fig3` (image: clean
 * and patch-only validation accuracy vs. epoch, by condition, anneal marked), `learning-order`
 * (synthetic: P-only and Q-only training accuracy vs. iteration, by algorithm) and `table` (the
 * summary table of the kind's default panels, as LaTeX) — each kind's `layouts` and
 * `defaultPanels` in the experiment-kind registry (engine/experiments/registry.ts).
 * `regime-map` (synthetic grid sweeps: a heatmap per quantity) is not a curve figure: it has its
 * own data and option (regime.ts), so it is listed (by the kind that has it) but built by the caller.
 */
import type { FigureSpecInput } from '../../api/schemas';
import { experiments, type ExperimentRegistry } from '../../../engine/experiments/registry';
import type { PaperLayout } from '../../../engine/experiments';
import { HostError } from '../host/errors';
import { REGIME_LAYOUT } from './regime';

/** `table` works for every kind: the summary table of the kind's default panels, as LaTeX. */
export const TABLE_LAYOUT = 'table';

/** Every kind's paper layouts, each with the kind it draws. */
function layouts(registry: ExperimentRegistry): (PaperLayout & { kind: string })[] {
  return registry.kinds.flatMap((k) => k.layouts.map((l) => ({ ...l, kind: k.kind })));
}

export function layoutNames(kind?: string, registry: ExperimentRegistry = experiments): string[] {
  return [...layouts(registry).filter((l) => kind === undefined || l.kind === kind).map((l) => l.name), TABLE_LAYOUT];
}

export function layoutSpec(name: string, runs: readonly { id: string; kind: string }[], registry: ExperimentRegistry = experiments): FigureSpecInput {
  if (runs.length === 0) throw new HostError('invalid_request', `Layout ${name} needs runs: pass --runs ID,ID,…`);
  const kinds = [...new Set(runs.map((r) => r.kind))];
  if (kinds.length > 1) throw new HostError('invalid_request', `Layout ${name} draws runs of one kind; these are ${kinds.join(' and ')}.`);
  const kind = kinds[0] as string;
  if (name === TABLE_LAYOUT) {
    const panels = registry.kinds.find((k) => k.kind === kind)?.defaultPanels;
    if (!panels) throw new HostError('invalid_request', `No default metrics for ${kind} runs.`);
    return { runs: runs.map((r) => r.id), panels: [...panels], x: 'step', band: 'std' };
  }
  if (name === REGIME_LAYOUT) throw new HostError('invalid_request', `Layout ${REGIME_LAYOUT} is a heatmap of a sweep, not a curve figure: build it with regimeMapData (lrlab figure --layout ${REGIME_LAYOUT}).`);
  const layout = layouts(registry).find((l) => l.name === name);
  if (!layout) throw new HostError('invalid_request', `No layout "${name}". Layouts: ${layoutNames(undefined, registry).join(', ')}.`);
  if (layout.kind !== kind) {
    throw new HostError('invalid_request', `Layout ${name} is for ${layout.kind} runs; these runs are ${kind} (its layouts: ${layoutNames(kind, registry).join(', ')}).`);
  }
  return {
    runs: runs.map((r) => r.id),
    panels: [...layout.panels],
    x: layout.xAxis,
    band: 'std',
    groupBy: 'condition',
    style: { widthIn: 6.75, aspect: 2.2, title: '' },
  };
}
