/**
 * One-click paper layouts: a figure spec from a layout name and runs. `paper-fig3` (image: clean
 * and patch-only validation accuracy vs. epoch, by condition, anneal marked), `learning-order`
 * (synthetic: P-only and Q-only training accuracy vs. iteration, by algorithm) and `table` (the
 * summary table of the kind's default panels, as LaTeX) — from the kind table (kinds.ts).
 * `regime-map` (synthetic grid sweeps: a heatmap per quantity) is not a curve figure: it has its
 * own data and option (regime.ts), so it is listed here but built by the caller.
 */
import type { FigureSpecInput } from '../../api/schemas';
import { HostError } from '../host/errors';
import { DEFAULT_PANELS, LAYOUTS, TABLE_LAYOUT } from './kinds';
import { REGIME_LAYOUT } from './regime';

export function layoutNames(kind?: string): string[] {
  return [...LAYOUTS.filter((l) => kind === undefined || l.kind === kind).map((l) => l.name), ...(kind === undefined || kind === 'synthetic' ? [REGIME_LAYOUT] : []), TABLE_LAYOUT];
}

export function layoutSpec(name: string, runs: readonly { id: string; kind: string }[]): FigureSpecInput {
  if (runs.length === 0) throw new HostError('invalid_request', `Layout ${name} needs runs: pass --runs ID,ID,…`);
  const kinds = [...new Set(runs.map((r) => r.kind))];
  if (kinds.length > 1) throw new HostError('invalid_request', `Layout ${name} draws runs of one kind; these are ${kinds.join(' and ')}.`);
  const kind = kinds[0] as string;
  if (name === TABLE_LAYOUT) {
    const panels = DEFAULT_PANELS[kind];
    if (!panels) throw new HostError('invalid_request', `No default metrics for ${kind} runs.`);
    return { runs: runs.map((r) => r.id), panels, x: 'step', band: 'std' };
  }
  if (name === REGIME_LAYOUT) throw new HostError('invalid_request', `Layout ${REGIME_LAYOUT} is a heatmap of a sweep, not a curve figure: build it with regimeMapData (lrlab figure --layout ${REGIME_LAYOUT}).`);
  const layout = LAYOUTS.find((l) => l.name === name);
  if (!layout) throw new HostError('invalid_request', `No layout "${name}". Layouts: ${layoutNames().join(', ')}.`);
  if (layout.kind !== kind) {
    throw new HostError('invalid_request', `Layout ${name} is for ${layout.kind} runs; these runs are ${kind} (its layouts: ${layoutNames(kind).join(', ')}).`);
  }
  return {
    runs: runs.map((r) => r.id),
    panels: layout.panels,
    x: layout.xAxis,
    band: 'std',
    groupBy: 'condition',
    style: { widthIn: 6.75, aspect: 2.2, title: '' },
  };
}
