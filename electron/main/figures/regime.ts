/**
 * The `regime-map` layout: where a kind's learning order appears over a grid sweep (docs/science.md,
 * "Regime map"). What it computes is the kind's `regimeMap` model (engine/experiments/kind.ts
 * `RegimeMapModel`; the synthetic kind's is in engine/experiments/synthetic/kind.ts): this file
 * names no kind, condition or metric key. From the runs of a grid sweep (`lrlab sweep`), every
 * spec field that differs between the runs — other than the seed, the name, the backend and the
 * model's `notAxes` (the condition's fields) — is an axis; runs with the same axis values form a
 * cell. Per cell:
 *   - the gap of the model's error between its two gap conditions (minuend − subtrahend), paired
 *     by seed (same data, init and second layer), with a paired t-test; marked * where p < 0.05;
 *   - per condition, how many runs fit the model's `fitted` part (final train accuracy ≥ `fit`)
 *     and how many fit it before the `other` part (first logged step reaching `fit` strictly
 *     before the other's first; a run that never fits is not "first").
 * The figure is a heatmap per quantity (columns and rows: the model's preferred axes where they
 * vary; one row of panels per value of any further axis), drawn by the same server-side ECharts
 * SVG renderer as every exported figure, and also available as CSV and Markdown.
 * research/synthetic/regime.ts computes the same quantities from kept JSON curves.
 */
import type { RunStore } from '../../../storage';
import { experiments, type ExperimentRegistry } from '../../../engine/experiments/registry';
import type { ExperimentKind, RegimeMapModel } from '../../../engine/experiments/kind';
import { HostError } from '../host/errors';
import { meanStd, tCdf } from './stats';

export const REGIME_LAYOUT = 'regime-map';

export interface RegimeRun {
  readonly id: string;
  readonly algorithm: string;
  readonly seed: number | null;
  readonly status: string;
  readonly collapsed: boolean;
  /** Last value of the model's error metric. */
  readonly err: number | null;
  /** Final accuracy on the fitted part ≥ the model's `fit`. */
  readonly fitted: boolean;
  /** First logged step with the fitted part's accuracy ≥ `fit` (null: never). */
  readonly tFitted: number | null;
  /** The same for the other part. */
  readonly tOther: number | null;
  readonly fittedFirst: boolean;
}

export interface RegimeAlgo {
  readonly n: number;
  readonly err: readonly number[];
  readonly fitted: number;
  readonly fittedFirst: number;
  readonly collapsed: number;
}

export interface RegimeCell {
  /** Axis values, by spec path. */
  readonly coords: Readonly<Record<string, unknown>>;
  readonly runs: readonly RegimeRun[];
  readonly by: Readonly<Record<string, RegimeAlgo>>;
  /** Paired gap (minuend − subtrahend) of the model's error over seeds with both; null with fewer than 2 pairs. */
  readonly gap: { readonly mean: number; readonly p: number; readonly n: number; readonly positive: number } | null;
}

export interface RegimeAxis {
  readonly path: string;
  readonly values: readonly unknown[];
}

export interface RegimeMapData {
  /** What the map computes, from the runs' kind. */
  readonly model: RegimeMapModel;
  readonly axes: readonly RegimeAxis[];
  /** The column and row axes of each heatmap (null: one column / row). */
  readonly col: RegimeAxis | null;
  readonly row: RegimeAxis | null;
  /** Axes beyond col and row: one row of panels per combination. */
  readonly others: readonly RegimeAxis[];
  readonly algorithms: readonly string[];
  readonly cells: readonly RegimeCell[];
  readonly notes: readonly string[];
}


/** Leaves of a JSON value by dotted path (arrays are leaves). */
export function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = value;
  return out;
}

const keyOf = (v: unknown) => JSON.stringify(v);

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return keyOf(a).localeCompare(keyOf(b));
}

/** A value as an axis label: numbers with up to 4 significant digits. */
export function formatAxisValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(+v.toPrecision(4));
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** First step at which `values` reaches `threshold`, or null. */
export function firstReach(steps: readonly number[], values: readonly number[], threshold: number): number | null {
  for (let i = 0; i < values.length; i++) if ((values[i] as number) >= threshold) return steps[i] ?? null;
  return null;
}

/** Two-sided paired t-test of a − b (NaN p with fewer than 2 pairs). */
export function pairedT(a: readonly number[], b: readonly number[]): { mean: number; t: number; p: number; n: number } {
  const d = a.map((x, i) => x - (b[i] as number));
  const s = meanStd(d);
  if (s.n < 2) return { mean: s.mean, t: NaN, p: NaN, n: s.n };
  if (s.std === 0) return { mean: s.mean, t: s.mean === 0 ? 0 : Math.sign(s.mean) * Infinity, p: s.mean === 0 ? 1 : 0, n: s.n };
  const t = s.mean / (s.std / Math.sqrt(s.n));
  return { mean: s.mean, t, p: Math.min(1, 2 * (1 - tCdf(Math.abs(t), s.n - 1))), n: s.n };
}

/** The condition label of a stored spec under `kind`, or null when it has none. */
function conditionOf(kind: ExperimentKind, spec: unknown): string | null {
  try {
    const c: unknown = kind.condition(spec as Parameters<ExperimentKind['condition']>[0]);
    return typeof c === 'string' ? c : null;
  } catch {
    return null;
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Reads the runs and builds the map's cells. Throws a clear error for runs it cannot map. */
export function regimeMapData(store: RunStore, runIds: readonly string[], registry: ExperimentRegistry = experiments): RegimeMapData {
  if (runIds.length === 0) throw new HostError('invalid_request', `Layout ${REGIME_LAYOUT} needs the runs of a sweep: pass --runs ID,… or --tag SWEEP-TAG.`);
  const notes: string[] = [];
  const details = runIds.map((id) => store.getRun(id));
  const mappable = registry.kinds.filter((k) => k.regimeMap);
  const kind = mappable.find((k) => details.some((d) => d.kind === k.kind)) ?? mappable[0];
  if (!kind?.regimeMap) throw new HostError('invalid_request', `Layout ${REGIME_LAYOUT}: no experiment kind (${registry.kinds.map((k) => k.kind).join(', ')}) has a regime map.`);
  const m = kind.regimeMap;
  const algoOf = (spec: unknown) => conditionOf(kind, spec);
  const wrong = details.filter((d) => d.kind !== kind.kind || algoOf(d.spec) === null);
  if (wrong.length) {
    throw new HostError('invalid_request', `Layout ${REGIME_LAYOUT} maps ${kind.kind} runs (${kind.conditions.join(', ')}); ${wrong.map((d) => `${d.id} is ${d.kind}`).join(', ')}.`);
  }
  const ignored = new RegExp(`^(${['seed', 'name', 'backend', ...m.notAxes].map(escapeRe).join('|')})(\\.|$)`);
  const flat = details.map((d) => flatten(d.spec));
  const paths = [...new Set(flat.flatMap((f) => Object.keys(f)))].filter((p) => !ignored.test(p)).sort();
  const axes: RegimeAxis[] = [];
  for (const p of paths) {
    const vals = new Map<string, unknown>();
    for (const f of flat) vals.set(keyOf(f[p]), f[p]);
    if (vals.size > 1) axes.push({ path: p, values: [...vals.values()].sort(compareValues) });
  }
  const combos = axes.reduce((n, a) => n * a.values.length, 1);
  if (combos > 400) throw new HostError('invalid_request', `These runs differ in ${axes.length} spec fields (${axes.map((a) => a.path).join(', ')}): ${combos} cells are too many for a map. Pass the runs of one sweep.`);
  const col = axes.find((a) => a.path === m.columns) ?? axes[0] ?? null;
  const row = axes.find((a) => a.path === m.rows && a !== col) ?? axes.find((a) => a !== col) ?? null;
  const others = axes.filter((a) => a !== col && a !== row);

  const cells = new Map<string, { coords: Record<string, unknown>; runs: RegimeRun[] }>();
  details.forEach((d, i) => {
    const f = flat[i] as Record<string, unknown>;
    const coords = Object.fromEntries(axes.map((a) => [a.path, f[a.path]]));
    const series = store.getSeries({ runIds: [d.id], keys: [m.fitted.key, m.other.key] });
    const q = series.find((s) => s.key === m.fitted.key);
    const p = series.find((s) => s.key === m.other.key);
    if (!q || !p || q.steps.length === 0) notes.push(`${d.id} has no ${m.fitted.key} or ${m.other.key} points; it counts as not fitting ${m.fitted.name}.`);
    const tQ = q ? firstReach(q.steps, q.values, m.fit) : null;
    const tP = p ? firstReach(p.steps, p.values, m.fit) : null;
    const lastQ = q && q.values.length ? (q.values[q.values.length - 1] as number) : 0;
    const errM = d.metrics.find((x) => x.key === m.error.key);
    const collapsed = d.events.some((e) => (e.kind as string) === 'collapse') || d.summary?.collapsed === true;
    if (d.status !== 'completed') notes.push(`${d.id} (${algoOf(d.spec)} seed ${d.seed}) is ${d.status}${collapsed ? ', collapsed' : ''}.`);
    else if (collapsed) notes.push(`${d.id} (${algoOf(d.spec)} seed ${d.seed}) collapsed.`);
    const run: RegimeRun = {
      id: d.id,
      algorithm: algoOf(d.spec) as string,
      seed: d.seed,
      status: d.status,
      collapsed,
      err: errM && Number.isFinite(errM.last) ? errM.last : null,
      fitted: lastQ >= m.fit,
      tFitted: tQ,
      tOther: tP,
      fittedFirst: tQ !== null && (tP === null || tQ < tP),
    };
    const k = keyOf(coords);
    const c = cells.get(k) ?? { coords, runs: [] };
    c.runs.push(run);
    cells.set(k, c);
  });
  const algorithms = [...new Set(details.map((d) => algoOf(d.spec) as string))].sort((a, b) => {
    const ia = kind.conditions.indexOf(a);
    const ib = kind.conditions.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  const out: RegimeCell[] = [...cells.values()].map(({ coords, runs }) => {
    const by: Record<string, RegimeAlgo> = {};
    for (const a of algorithms) {
      const rs = runs.filter((r) => r.algorithm === a);
      if (!rs.length) continue;
      by[a] = {
        n: rs.length,
        err: rs.map((r) => r.err).filter((x): x is number => x !== null),
        fitted: rs.filter((r) => r.fitted).length,
        fittedFirst: rs.filter((r) => r.fittedFirst).length,
        collapsed: rs.filter((r) => r.collapsed).length,
      };
    }
    const s: number[] = [];
    const ls: number[] = [];
    for (const r of runs.filter((x) => x.algorithm === m.gap.minuend)) {
      const l = runs.find((x) => x.algorithm === m.gap.subtrahend && x.seed === r.seed);
      if (l && l.err !== null && r.err !== null) {
        s.push(r.err);
        ls.push(l.err);
      }
    }
    const t = pairedT(s, ls);
    const gap = s.length >= 2 ? { mean: t.mean, p: t.p, n: s.length, positive: s.filter((x, i) => x > (ls[i] as number)).length } : null;
    return { coords, runs, by, gap };
  });
  out.sort((a, b) => {
    for (const ax of axes) {
      const c = compareValues(a.coords[ax.path], b.coords[ax.path]);
      if (c !== 0) return c;
    }
    return 0;
  });
  if (!out.some((c) => c.gap)) notes.push(`No cell has ${m.gap.subtrahend} and ${m.gap.minuend} runs on two or more common seeds: the gap panel is empty.`);
  return { model: m, axes, col, row, others, algorithms, cells: out, notes };
}

interface Panel {
  title: string;
  /** Colour scale: diverging around 0 (gap) or sequential 0..1 (fractions). */
  scale: { kind: 'diverging'; max: number } | { kind: 'fraction' };
  value: (c: RegimeCell) => { v: number; text: string } | null;
}

function panelsOf(d: RegimeMapData): Panel[] {
  const m = d.model;
  const gapMax = Math.max(0.01, ...d.cells.map((c) => Math.abs(c.gap?.mean ?? 0)));
  const panels: Panel[] = [
    {
      title: `${m.error.label} gap ${m.gap.minuend} − ${m.gap.subtrahend} (colour ±${gapMax.toFixed(3)})`,
      scale: { kind: 'diverging', max: gapMax },
      value: (c) => (c.gap ? { v: c.gap.mean, text: `${c.gap.mean >= 0 ? '+' : ''}${c.gap.mean.toFixed(3)}${c.gap.p < 0.05 ? '*' : ''}` } : null),
    },
  ];
  for (const a of d.algorithms) {
    panels.push({ title: `${m.fitted.name} fitted (${a})`, scale: { kind: 'fraction' }, value: (c) => (c.by[a] ? { v: c.by[a].fitted / c.by[a].n, text: `${c.by[a].fitted}/${c.by[a].n}` } : null) });
    panels.push({ title: `${m.fitted.name} before ${m.other.name} (${a})`, scale: { kind: 'fraction' }, value: (c) => (c.by[a] ? { v: c.by[a].fittedFirst / c.by[a].n, text: `${c.by[a].fittedFirst}/${c.by[a].n}` } : null) });
  }
  return panels;
}

function groupsOf(d: RegimeMapData): Record<string, unknown>[] {
  let groups: Record<string, unknown>[] = [{}];
  for (const a of d.others) groups = groups.flatMap((g) => a.values.map((v) => ({ ...g, [a.path]: v })));
  return groups;
}

const CELL_W = 46;
const CELL_H = 22;
const LEFT = 52;
const TOP = 44;
const GAP_X = 18;
const BOTTOM = 30;
const HEAD = 28;

/** The figure's size in points. */
export function regimeMapSize(d: RegimeMapData): { width: number; height: number } {
  const nc = d.col?.values.length ?? 1;
  const nr = d.row?.values.length ?? 1;
  const panels = panelsOf(d).length;
  const pw = LEFT + nc * CELL_W + GAP_X;
  const ph = TOP + nr * CELL_H + BOTTOM;
  return { width: Math.max(300, panels * pw + 10), height: HEAD + groupsOf(d).length * ph };
}

/** The ECharts option: one heatmap grid per quantity (× per combination of further axes). */
export function regimeMapOption(d: RegimeMapData, title = 'Regime map'): Record<string, unknown> {
  const panels = panelsOf(d);
  const groups = groupsOf(d);
  const colVals = d.col ? d.col.values : [null];
  const rowVals = d.row ? d.row.values : [null];
  const pw = LEFT + colVals.length * CELL_W + GAP_X;
  const ph = TOP + rowVals.length * CELL_H + BOTTOM;
  const grid: unknown[] = [];
  const xAxis: unknown[] = [];
  const yAxis: unknown[] = [];
  const series: unknown[] = [];
  const visualMap: unknown[] = [];
  const titles: unknown[] = [
    { text: `${title} (columns ${d.col?.path ?? '—'}, rows ${d.row?.path ?? '—'}; * paired p < 0.05)`, left: 6, top: 4, textStyle: { fontSize: 11, fontWeight: 'bold', fontFamily: 'DejaVu Sans' } },
  ];
  const same = (a: unknown, b: unknown) => keyOf(a) === keyOf(b);
  groups.forEach((g, gi) => {
    const gl = Object.entries(g).map(([k, v]) => `${k} = ${formatAxisValue(v)}`).join(', ');
    panels.forEach((p, pi) => {
      const idx = grid.length;
      const left = 6 + pi * pw + LEFT;
      const top = HEAD + gi * ph + TOP;
      grid.push({ left, top, width: colVals.length * CELL_W, height: rowVals.length * CELL_H, containLabel: false });
      titles.push({ text: p.title, subtext: gl, left: left - LEFT + 4, top: HEAD + gi * ph + 4, itemGap: 2, textStyle: { fontSize: 9, fontWeight: 'bold', fontFamily: 'DejaVu Sans' }, subtextStyle: { fontSize: 8, color: '#555', fontFamily: 'DejaVu Sans' } });
      xAxis.push({
        type: 'category',
        gridIndex: idx,
        data: colVals.map(formatAxisValue),
        name: d.col?.path ?? '',
        nameLocation: 'middle',
        nameGap: 16,
        nameTextStyle: { fontSize: 8, color: '#555', fontFamily: 'DejaVu Sans' },
        axisLabel: { fontSize: 8, fontFamily: 'DejaVu Sans' },
        axisTick: { show: false },
        splitArea: { show: false },
      });
      yAxis.push({
        type: 'category',
        gridIndex: idx,
        data: rowVals.map(formatAxisValue),
        name: pi === 0 ? (d.row?.path ?? '') : '',
        nameLocation: 'middle',
        nameGap: 30,
        nameTextStyle: { fontSize: 8, color: '#555', fontFamily: 'DejaVu Sans' },
        axisLabel: { fontSize: 8, fontFamily: 'DejaVu Sans' },
        axisTick: { show: false },
      });
      const data: { value: [number, number, number]; label: string }[] = [];
      const empty: [number, number][] = [];
      colVals.forEach((cv, ci) =>
        rowVals.forEach((rv, ri) => {
          const cell = d.cells.find(
            (c) => (!d.col || same(c.coords[d.col.path], cv)) && (!d.row || same(c.coords[d.row.path], rv)) && Object.entries(g).every(([k, v]) => same(c.coords[k], v)),
          );
          const v = cell ? p.value(cell) : null;
          if (v) data.push({ value: [ci, ri, v.v], label: v.text });
          else empty.push([ci, ri]);
        }),
      );
      const si = series.length;
      series.push({
        id: `heat:${gi}:${pi}`,
        name: p.title,
        type: 'heatmap',
        xAxisIndex: idx,
        yAxisIndex: idx,
        data: data.map((x) => ({ value: x.value, label: { formatter: x.label } })),
        label: { show: true, fontSize: 8, fontFamily: 'DejaVu Sans', color: '#111' },
        itemStyle: { borderColor: '#999', borderWidth: 0.5 },
      });
      visualMap.push(
        p.scale.kind === 'diverging'
          ? { show: false, seriesIndex: si, min: -p.scale.max, max: p.scale.max, inRange: { color: ['#0571b0', '#ffffff', '#ca0020'] } }
          : { show: false, seriesIndex: si, min: 0, max: 1, inRange: { color: ['#ffffff', '#4a90d9'] } },
      );
      if (empty.length) {
        const ei = series.length;
        series.push({
          id: `empty:${gi}:${pi}`,
          name: 'no runs',
          type: 'heatmap',
          xAxisIndex: idx,
          yAxisIndex: idx,
          data: empty.map(([x, y]) => ({ value: [x, y, 0], label: { formatter: '—' } })),
          label: { show: true, fontSize: 8, color: '#777' },
          itemStyle: { borderColor: '#999', borderWidth: 0.5 },
        });
        visualMap.push({ show: false, seriesIndex: ei, min: 0, max: 1, inRange: { color: ['#eeeeee', '#eeeeee'] } });
      }
    });
  });
  return { animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: 'DejaVu Sans' }, title: titles, grid, xAxis, yAxis, visualMap, series };
}

const fmtErr = (xs: readonly number[]) => {
  const s = meanStd(xs);
  return s.n ? `${s.mean.toFixed(4)} ± ${s.std.toFixed(4)}` : '—';
};

/** The cells as a Markdown table (the numbers behind the heatmaps). */
export function regimeMapMarkdown(d: RegimeMapData): string {
  const m = d.model;
  const head = d.axes.map((a) => a.path);
  const lines = [
    `| ${[
      ...head,
      ...d.algorithms.map((a) => `${a} ${m.error.label}`),
      `gap ${m.gap.minuend} − ${m.gap.subtrahend} (${m.gap.minuend} worse in)`,
      'paired p',
      ...d.algorithms.map((a) => `${m.fitted.name} fitted ${a}`),
      ...d.algorithms.map((a) => `${m.fitted.name} first ${a}`),
    ].join(' | ')} |`,
    `|${' --- |'.repeat(head.length + d.algorithms.length * 3 + 2)}`,
  ];
  for (const c of d.cells) {
    const k = (a: string, f: 'fitted' | 'fittedFirst') => (c.by[a] ? `${c.by[a][f]}/${c.by[a].n}` : '—');
    lines.push(
      `| ${[
        ...head.map((h) => formatAxisValue(c.coords[h])),
        ...d.algorithms.map((a) => fmtErr(c.by[a]?.err ?? [])),
        c.gap ? `${c.gap.mean >= 0 ? '+' : ''}${c.gap.mean.toFixed(4)} (${c.gap.positive}/${c.gap.n})` : '—',
        c.gap ? (c.gap.p < 0.001 ? '< 0.001' : c.gap.p.toFixed(3)) : '—',
        ...d.algorithms.map((a) => k(a, 'fitted')),
        ...d.algorithms.map((a) => k(a, 'fittedFirst')),
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n') + '\n';
}

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per cell and algorithm: the axis values and every plotted number. */
export function regimeMapCsv(d: RegimeMapData): string {
  const m = d.model;
  const part = m.fitted.name.toLowerCase();
  const head = d.axes.map((a) => a.path);
  const lines = [[...head, 'algorithm', 'runs', `${m.error.csv}_mean`, `${m.error.csv}_std`, `${part}_fitted`, `${part}_first`, 'collapsed', m.gap.csv, 'gap_p', 'gap_pairs'].map(csvCell).join(',')];
  for (const c of d.cells) {
    for (const a of d.algorithms) {
      const b = c.by[a];
      if (!b) continue;
      const s = meanStd(b.err);
      lines.push([...head.map((h) => c.coords[h]), a, b.n, s.mean, s.std, b.fitted, b.fittedFirst, b.collapsed, c.gap?.mean ?? null, c.gap?.p ?? null, c.gap?.n ?? null].map(csvCell).join(','));
    }
  }
  return lines.join('\n') + '\n';
}
