/**
 * From a figure spec to the data a comparison view or an exported figure draws: resolve the
 * runs, group them into conditions, read each metric (downsampled with min/max buckets so spikes
 * survive; a zoomed step range at full resolution), smooth each run (debiased EMA) before
 * aggregating, aggregate mean and band per condition, lay the schedule strip on the same x-axis,
 * find each condition's anneal, and build the summary table.
 */
import type { FigureData, FigureSpec } from '../../api/schemas';
import { FigureSpecSchema } from '../../api/schemas';
import type { RunDetail, RunStore } from '../../../storage';
import { experiments, type ExperimentRegistry } from '../../../engine/experiments/registry';
import { PRESET_CONDITION_LABELS, PRESETS } from '../../../engine/presets';
import { HostError } from '../host/errors';
import { aggregateBand, groupKey, minmaxKeep, type XY } from './aggregate';
import { debiasedEma } from './smooth';
import { buildSummary, guessBetter, type SummaryRun } from './summary';
import { paletteColor } from '../../../figure/palette';

/** Points read per run and metric for the whole range, and the most a zoomed range reads at full resolution. */
export const OVERVIEW_POINTS = 2000;
export const ZOOM_POINTS = 20_000;
/** The most points an aggregate curve keeps (min/max decimation of the mean). */
export const CURVE_POINTS = 2500;

/** The x axis's title for what is plotted: 'iteration', 'epoch' or 'wall time (s)'. */
export function xLabelOf(x: FigureSpec['x']): string {
  return x === 'step' ? 'iteration' : x === 'epoch' ? 'epoch' : 'wall time (s)';
}

/** Parses and checks a figure spec; a bad one is a clear error listing every problem. */
export function parseFigureSpec(input: unknown): FigureSpec {
  const r = FigureSpecSchema.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => ({ path: i.path.length ? `spec.${i.path.join('.')}` : 'spec', message: i.message }));
  throw new HostError(
    'invalid_request',
    `The figure spec is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}): ` + problems.map((p) => `${p.path}: ${p.message}`).join('; '),
    problems,
  );
}

export function isCollapsed(d: Pick<RunDetail, 'events' | 'summary'>): boolean {
  return d.events.some((e) => (e.kind as string) === 'collapse') || (d.summary as { collapsed?: unknown } | null)?.collapsed === true;
}

interface Timing {
  perEpoch: number | null;
  schedule: { xUnit: 'step' | 'epoch'; x: number[]; lr: number[]; noise: number[]; annealAt: number | null } | null;
}

function timingOf(specJson: string, registry: ExperimentRegistry): Timing {
  try {
    const c = registry.readStored(JSON.parse(specJson));
    if (!c.ok) return { perEpoch: null, schedule: null };
    const d = registry.describe(c.spec);
    const s = d.schedule;
    const perEpoch = s.xUnit === 'epoch' && s.x.length > 0 ? d.totalSteps / s.x.length : null;
    return { perEpoch, schedule: { xUnit: s.xUnit, x: [...s.x], lr: [...s.lr], noise: [...s.noise], annealAt: s.annealAt } };
  } catch {
    return { perEpoch: null, schedule: null };
  }
}

/** A metric's label on a figure axis and which way is better, from the kind that records it (else the key). */
export function metricInfo(key: string, registry: ExperimentRegistry = experiments): { key: string; label: string; better: 'min' | 'max'; bounds?: [number | null, number | null] } {
  const m = registry.kinds.flatMap((k) => k.metrics).find((x) => x.key === key);
  return { key, label: m?.axisLabel ?? m?.label ?? key, better: m?.better ?? guessBetter(key), ...(m?.bounds ? { bounds: [m.bounds[0], m.bounds[1]] as [number | null, number | null] } : {}) };
}

/**
 * A run's condition, the group a comparison puts it in: the kind's `comparisonLabel` when it
 * has one (image: the preset's condition, or SGD with η outside a preset), else the run's
 * condition label (synthetic: its algorithm); a run whose stored spec no longer parses keeps
 * its stored label.
 */
export function conditionOf(d: Pick<RunDetail, 'kind' | 'preset' | 'algorithm' | 'spec'>, registry: ExperimentRegistry = experiments): string | null {
  const kind = registry.kinds.find((k) => k.kind === d.kind);
  const c = kind?.comparisonLabel ? registry.readStored(d.spec) : null;
  if (kind?.comparisonLabel && c?.ok) {
    const p = d.preset ? PRESETS.find((x) => x.name === d.preset) : undefined;
    return kind.comparisonLabel(c.spec, p ? PRESET_CONDITION_LABELS[p.condition] : null);
  }
  return d.algorithm ?? d.preset;
}

const naturalCompare = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

export function resolveRunIds(store: RunStore, spec: FigureSpec): string[] {
  if (spec.runs) return [...spec.runs];
  const q = spec.query ?? {};
  const list = store.listRuns({
    ...(q.tag ? { tag: [q.tag] } : {}),
    ...(q.groupId ? { groupId: q.groupId } : {}),
    ...(q.preset ? { preset: [q.preset] } : {}),
    ...(q.text ? { text: q.text } : {}),
    sortBy: 'createdAt',
    sortDir: 'asc',
    limit: 200,
  });
  return list.rows.map((r) => r.id);
}

/** The kind's default panels that these runs have; else their first three metric keys. */
export function defaultPanels(kinds: readonly string[], available: readonly string[], registry: ExperimentRegistry = experiments): string[] {
  const kind = kinds[0];
  const fromKind = (registry.kinds.find((k) => k.kind === kind)?.defaultPanels ?? []).filter((k) => available.includes(k));
  if (fromKind.length) return fromKind;
  const nonSchedule = available.filter((k) => k !== 'lr' && k !== 'noise');
  return (nonSchedule.length ? nonSchedule : available).slice(0, 3);
}

/**
 * `screen.maxPoints` (the comparison view asks for about twice a panel's pixel width): the whole
 * range's curves are sent with at most that many points each (min/max decimation keeps spikes),
 * and each run's own arrays only when they are drawn (seeds, or raw under smoothing). Bands and
 * the summary table are still computed from the full overview read; a zoomed range ignores it
 * (full resolution). Exports and the CLI pass nothing and get every point they read.
 */
export function prepareFigure(store: RunStore, specIn: FigureSpec, registry: ExperimentRegistry = experiments, screen: { maxPoints?: number } = {}): FigureData {
  let spec = specIn;
  const ids = resolveRunIds(store, spec);
  if (ids.length === 0) throw new HostError('invalid_request', 'The figure shows no runs: its query matched none. Pick runs or change the query.');
  const notes: string[] = [];
  const details: RunDetail[] = [];
  for (const id of ids) {
    try {
      details.push(store.getRun(id));
    } catch {
      notes.push(`Run ${id} is not in this store (deleted for good, or recorded in another store); it is left out.`);
    }
  }
  if (details.length === 0) throw new HostError('not_found', `None of the figure's ${ids.length} runs (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}) is in this store: they were deleted for good, or recorded in another store (lrlab --store FILE; \`lrlab list\` shows the runs here).`);
  const deleted = details.filter((d) => d.deletedAt !== null);
  if (deleted.length) notes.push(`${deleted.length} of these runs are in the trash and still shown: ${deleted.map((d) => d.name).join(', ')}.`);

  const availableKeys = [...new Set(details.flatMap((d) => d.metrics.map((m) => m.key)))].sort();
  const panelKeys = spec.panels ?? defaultPanels(details.map((d) => d.kind), availableKeys, registry);
  if (panelKeys.length === 0) throw new HostError('invalid_request', 'These runs have no metrics yet: nothing to draw.');
  spec = { ...spec, panels: panelKeys };
  const runInfo = details.map((d) => {
    const group = groupKey({ id: d.id, name: d.name, condition: conditionOf(d, registry), spec: d.spec }, spec.groupBy);
    const collapsed = isCollapsed(d);
    const excluded = spec.exclude.includes(d.id) || (collapsed && spec.excludeCollapsed);
    return { d, group, collapsed, excluded, timing: timingOf(d.specJson, registry) };
  });
  const groupNames = [...new Set(runInfo.map((r) => r.group))].sort(naturalCompare);
  const colour = new Map(groupNames.map((g, i) => [g, paletteColor(spec.style.palette, i)]));

  // An epoch axis needs every run to have epochs: a synthetic run has none. Rather than put
  // epochs and iterations on one axis under one label, the figure is drawn against iterations
  // and its spec, axis title and summary say so (the URL keeps the choice; adding or removing
  // runs can bring the epoch axis back).
  const noEpochs = spec.x === 'epoch' ? runInfo.filter((r) => r.timing.perEpoch === null) : [];
  if (noEpochs.length) {
    const kinds = [...new Set(noEpochs.map((r) => r.d.kind))].join(', ');
    notes.push(
      noEpochs.length === runInfo.length
        ? `These runs have no epochs (${kinds}): drawn against iterations.`
        : `${noEpochs.length} of these ${runInfo.length} runs have no epochs (${kinds}): all are drawn against iterations, so the axis means one thing. Compare the runs with epochs alone for an epoch axis.`,
    );
    spec = { ...spec, x: 'step' };
  }
  // x of a stored point in the figure's unit.
  const xLabel = xLabelOf(spec.x);
  const custom = spec.style.xLabel?.toLowerCase() ?? '';
  const says = /\b(iterations?|steps?)\b/.test(custom) ? 'step' : /\bepochs?\b/.test(custom) ? 'epoch' : /\b(wall|seconds?|time)\b/.test(custom) ? 'wall' : null;
  if (says !== null && says !== spec.x) notes.push(`The figure's own x label “${spec.style.xLabel}” names another unit than the axis shows (${xLabel}): edit or clear it.`);

  const range = spec.range;
  // A zoomed range is given in the figure's x unit; read the steps that cover it.
  const stepRange = (r: (typeof runInfo)[number]): { fromStep?: number; toStep?: number } => {
    if (!range || spec.x === 'wall') return {};
    const k = spec.x === 'epoch' && r.timing.perEpoch ? r.timing.perEpoch : 1;
    return { fromStep: Math.floor(range.from * k), toStep: Math.ceil(range.to * k) };
  };

  let shownTotal = 0;
  let anyDownsampled = false;
  /** A condition's mean/band kept fewer points than it has (min/max decimation for drawing). */
  let curveCut = false;
  const screenPoints = !range && screen.maxPoints !== undefined ? screen.maxPoints : null;
  const runsDrawn = spec.showSeeds || spec.smoothing > 0;
  const panels: FigureData['panels'] = [];
  const summaryRuns = new Map<string, SummaryRun & { series: Map<string, XY> }>();
  const wallAnneal = new Map<string, number>();
  for (const r of runInfo) summaryRuns.set(r.d.id, { group: r.group, excluded: r.excluded, series: new Map() });
  for (const key of panelKeys) {
    const info = metricInfo(key, registry);
    let stored = 0;
    let shown = 0;
    const curves: FigureData['panels'][number]['curves'] = [];
    for (const g of groupNames) {
      const members = runInfo.filter((r) => r.group === g);
      const runs: FigureData['panels'][number]['curves'][number]['runs'] = [];
      const included: XY[] = [];
      for (const r of members) {
        const [s] = store.getSeries({
          runIds: [r.d.id],
          keys: [key],
          maxPoints: range ? ZOOM_POINTS : OVERVIEW_POINTS,
          method: 'minmax',
          ...stepRange(r),
          ...(spec.x === 'wall' ? { withWallTimes: true } : {}),
        });
        if (!s || s.steps.length === 0) continue;
        stored += s.totalPoints;
        if (s.downsampled) anyDownsampled = true;
        const k = spec.x === 'epoch' ? r.timing.perEpoch : null;
        let x = spec.x === 'wall' ? (s.wallTimes ?? []).map((w, i) => (w === null ? (s.steps[i] as number) : w / 1000)) : k ? s.steps.map((v) => v / k) : [...s.steps];
        let raw: (number | null)[] = s.values.map((v) => (Number.isFinite(v) ? v : null));
        if (range && spec.x === 'wall') {
          const keep = x.map((v, i) => (v >= range.from && v <= range.to ? i : -1)).filter((i) => i >= 0);
          x = keep.map((i) => x[i] as number);
          raw = keep.map((i) => raw[i] ?? null);
        }
        if (spec.logX) {
          const keep = x.map((v, i) => (v > 0 ? i : -1)).filter((i) => i >= 0);
          x = keep.map((i) => x[i] as number);
          raw = keep.map((i) => raw[i] ?? null);
        }
        if (spec.x === 'wall' && !wallAnneal.has(r.d.id)) {
          // On wall time the anneal is where the run's clock was at its anneal step.
          const step = r.d.events.find((e) => e.kind === 'anneal')?.step ?? r.d.annealStep ?? null;
          const i = step === null ? -1 : s.steps.findIndex((v) => v >= step);
          if (i >= 0 && s.wallTimes?.[i] != null) wallAnneal.set(r.d.id, (s.wallTimes[i] as number) / 1000);
        }
        const y = spec.smoothing > 0 ? debiasedEma(raw, spec.smoothing) : raw;
        summaryRuns.get(r.d.id)?.series.set(key, { x, y: raw });
        if (!r.excluded) included.push({ x, y });
        if (screenPoints === null) runs.push({ runId: r.d.id, x, y, raw });
        else if (!runsDrawn) runs.push({ runId: r.d.id, x: [], y: [], raw: [] });
        else {
          const keep = minmaxKeep(spec.showSeeds ? y : raw, screenPoints);
          if (keep.length < x.length) anyDownsampled = true;
          runs.push({ runId: r.d.id, x: keep.map((i) => x[i] as number), y: keep.map((i) => y[i] ?? null), raw: keep.map((i) => raw[i] ?? null) });
        }
      }
      if (runs.length === 0) continue;
      const band = aggregateBand(included, spec.band);
      const keep = minmaxKeep(band.mean, screenPoints === null ? CURVE_POINTS : Math.min(CURVE_POINTS, screenPoints));
      if (keep.length < band.x.length) curveCut = true;
      const pick = <T>(a: readonly T[]): T[] => keep.map((i) => a[i] as T);
      const curve = { group: g, n: included.length, x: pick(band.x), mean: pick(band.mean), lo: pick(band.lo), hi: pick(band.hi), nAt: pick(band.n), runs };
      shown += curve.x.length + (runsDrawn ? runs.reduce((a, rr) => a + rr.x.length, 0) : 0);
      curves.push(curve);
    }
    if (curves.length === 0) notes.push(`No run here has stored points for ${key}.`);
    shownTotal += shown;
    panels.push({ key, label: info.label, curves, ...(info.bounds ? { bounds: info.bounds } : {}), shownPoints: shown, storedPoints: stored });
  }

  // Anneal per condition: where its runs actually annealed (events), else where the schedule says.
  const annealOf = (members: typeof runInfo): number | null => {
    const xs: number[] = [];
    for (const r of members) {
      const ev = r.d.events.find((e) => e.kind === 'anneal');
      const step = ev?.step ?? r.d.annealStep ?? null;
      let at: number | null = null;
      if (spec.x === 'wall') at = wallAnneal.get(r.d.id) ?? null;
      else if (step !== null && spec.x === 'step') at = step;
      else if (step !== null && spec.x === 'epoch') at = r.timing.perEpoch ? step / r.timing.perEpoch : step;
      else if (r.timing.schedule?.annealAt != null) {
        const s = r.timing.schedule;
        const a = s.annealAt as number;
        // Image schedules count epochs from 1; the anneal happens at the start of that epoch.
        if (s.xUnit === 'epoch') at = spec.x === 'epoch' ? a - 1 : (a - 1) * (r.timing.perEpoch ?? 1);
        else at = spec.x === 'step' ? a : r.timing.perEpoch ? a / r.timing.perEpoch : a;
      }
      if (at !== null) xs.push(at);
    }
    if (xs.length === 0) return null;
    xs.sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)] as number;
  };

  // Schedule strip: the schedule of each condition's first run, on the figure's x.
  let schedule: FigureData['schedule'] = null;
  if (spec.schedule) {
    if (spec.x === 'wall') notes.push('The schedule strip needs an iteration or epoch axis; it is hidden on wall time.');
    else {
      schedule = [];
      for (const g of groupNames) {
        const r = runInfo.find((x) => x.group === g && x.timing.schedule);
        const s = r?.timing.schedule;
        if (!r || !s) continue;
        let x: number[];
        if (s.xUnit === 'epoch') {
          // Epoch e (from 1) runs from e − 1 to e: segment starts, plus the end.
          const starts = s.x.map((e) => e - 1);
          x = [...starts, s.x.length];
          if (spec.x === 'step') x = x.map((v) => v * (r.timing.perEpoch ?? 1));
        } else {
          x = spec.x === 'epoch' && r.timing.perEpoch ? s.x.map((v) => v / (r.timing.perEpoch as number)) : [...s.x];
        }
        const lr = s.xUnit === 'epoch' ? [...s.lr, s.lr[s.lr.length - 1] ?? 0] : s.lr;
        const noise = s.xUnit === 'epoch' ? [...s.noise, s.noise[s.noise.length - 1] ?? 0] : s.noise;
        schedule.push({ group: g, x, lr, noise });
      }
    }
  }

  const groups = groupNames.map((name) => {
    const members = runInfo.filter((r) => r.group === name);
    return {
      name,
      color: colour.get(name) as string,
      n: members.filter((m) => !m.excluded).length,
      annealAt: annealOf(members),
      collapsed: members.filter((m) => m.collapsed).length,
    };
  });
  const excluded = runInfo.filter((r) => r.excluded);
  if (excluded.length) {
    notes.push(`Left out of the bands: ${excluded.map((r) => `${r.d.name}${r.collapsed ? ' (collapsed)' : ''}`).join(', ')}.`);
  }
  if (anyDownsampled) {
    notes.push(range ? 'Zoomed, but the range holds more than 20 000 points per run: still downsampled (min/max buckets keep spikes); zoom further.' : 'Downsampled for display (min/max buckets keep spikes); zoom in for full resolution.');
  }
  void shownTotal;

  const compare = spec.compare && groupNames.includes(spec.compare[0]) && groupNames.includes(spec.compare[1]) ? spec.compare : null;
  if (spec.compare && !compare) notes.push(`Welch's test: no condition named ${spec.compare.filter((c) => !groupNames.includes(c)).join(' or ')}.`);
  const summary = buildSummary({
    groups: groupNames,
    keys: panelKeys.map((k) => metricInfo(k, registry)),
    runs: [...summaryRuns.values()],
    at: spec.summaryAt,
    compare,
    xLabel,
  });

  return {
    spec: spec as unknown as Record<string, unknown>,
    xLabel,
    groups,
    runs: runInfo.map((r) => ({ id: r.d.id, name: r.d.name, seed: r.d.seed, group: r.group, status: r.d.status, collapsed: r.collapsed, excluded: r.excluded })),
    panels,
    schedule,
    summary,
    notes,
    downsampled: anyDownsampled || curveCut,
    availableKeys,
  };
}
