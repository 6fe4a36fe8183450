/**
 * Live curves: one panel per metric family (loss, acc, …), with anneal and divergence events
 * as vertical marks on the x-axis. The full option is built once per panel; while a run
 * trains only `buildCurvesDataUpdate` is applied (series data by id, nothing else), so
 * ECharts merges it instead of rebuilding the chart.
 */
import type { ChartTheme } from './theme';
import { axisStyle } from './theme';

export interface CurvePoint {
  readonly step: number;
  readonly value: number | null;
}

export interface CurveBuffer {
  readonly key: string;
  readonly points: CurvePoint[];
}

export interface MarkEvent {
  readonly kind: string;
  readonly step: number;
  readonly message: string;
}

export interface Panel {
  readonly id: string;
  readonly title: string;
  readonly keys: readonly string[];
}

/** Loss, accuracy and error first (what a run is judged by), the schedule (lr, noise) last. */
function familyRank(family: string): number {
  if (/loss/i.test(family)) return 0;
  if (/acc/i.test(family)) return 1;
  if (/err/i.test(family)) return 2;
  if (/^(lr|noise)$/i.test(family)) return 4;
  return 3;
}

/** The family of a metric key: its last segment (`train/loss` → loss; engine MetricInfo.family says the same). */
export const metricFamily = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/** Metric keys in reading order: by family rank, then name. */
export function sortMetricKeys(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => familyRank(metricFamily(a)) - familyRank(metricFamily(b)) || a.localeCompare(b));
}

/** `train/loss` and `test/loss` share the panel "loss"; a key without '/' gets its own. */
export function groupMetricKeys(keys: readonly string[]): Panel[] {
  const panels = new Map<string, string[]>();
  for (const k of keys) {
    const family = metricFamily(k);
    const list = panels.get(family) ?? [];
    list.push(k);
    panels.set(family, list);
  }
  return [...panels.entries()]
    .sort(([a], [b]) => familyRank(a) - familyRank(b))
    .map(([family, ks]) => ({ id: family, title: family, keys: ks.sort() }));
}

/** Marks for events that belong on the x-axis (anneal, divergence, resume). */
export function eventMarkLine(events: readonly MarkEvent[], t: ChartTheme): Record<string, unknown> {
  const shown = events.filter((e) => e.kind === 'anneal' || e.kind === 'divergence' || e.kind === 'resume');
  return {
    silent: false,
    symbol: 'none',
    animation: false,
    data: shown.map((e) => ({
      xAxis: e.step,
      name: e.message,
      lineStyle: { color: e.kind === 'divergence' ? t.danger : e.kind === 'anneal' ? t.warn : t.muted, type: 'dashed', width: 1.5 },
      label: { formatter: e.kind, color: e.kind === 'divergence' ? t.danger : e.kind === 'anneal' ? t.warn : t.muted, position: 'insideEndTop' },
    })),
  };
}

const seriesData = (b: CurveBuffer | undefined): [number, number | null][] => (b ? b.points.map((p) => [p.step, p.value]) : []);

export function buildCurvesOption(
  panel: Panel,
  buffers: ReadonlyMap<string, CurveBuffer>,
  events: readonly MarkEvent[],
  t: ChartTheme,
  opts: { logY?: boolean; totalSteps?: number | null } = {},
): Record<string, unknown> {
  return {
    animation: false,
    color: t.palette,
    textStyle: { color: t.fg },
    title: { text: panel.title, left: 8, top: 0, textStyle: { color: t.fg, fontSize: 13, fontWeight: 600 } },
    grid: { left: 56, right: 16, top: 44, bottom: 36 },
    legend: { type: 'scroll', top: 0, left: 64, right: 8, textStyle: { color: t.fg }, pageTextStyle: { color: t.muted } },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toPrecision(4) : String(v)) },
    xAxis: {
      type: 'value',
      name: 'iteration',
      nameLocation: 'middle',
      nameGap: 24,
      min: 0,
      ...(opts.totalSteps ? { max: opts.totalSteps } : {}),
      ...axisStyle(t),
    },
    yAxis: { type: opts.logY ? 'log' : 'value', scale: true, ...axisStyle(t) },
    series: panel.keys.map((k, i) => ({
      id: k,
      name: k,
      type: 'line',
      showSymbol: false,
      connectNulls: false,
      data: seriesData(buffers.get(k)),
      ...(i === 0 ? { markLine: eventMarkLine(events, t) } : {}),
    })),
  };
}

/** The only thing applied on each progress tick: series data by id. */
export function buildCurvesDataUpdate(panel: Panel, buffers: ReadonlyMap<string, CurveBuffer>): { series: { id: string; data: [number, number | null][] }[] } {
  return { series: panel.keys.map((k) => ({ id: k, data: seriesData(buffers.get(k)) })) };
}

/** Applied when events arrive (an anneal, a divergence): the first series' markLine only. */
export function buildEventsUpdate(panel: Panel, events: readonly MarkEvent[], t: ChartTheme): { series: { id: string; markLine: Record<string, unknown> }[] } {
  const first = panel.keys[0];
  return { series: first ? [{ id: first, markLine: eventMarkLine(events, t) }] : [] };
}

/**
 * Appends a progress tick's values to the buffers. Returns the keys that were new (a panel
 * then needs its full option once) and whether any point was added.
 */
export function appendValues(
  buffers: Map<string, CurveBuffer>,
  step: number,
  values: Readonly<Record<string, number | null>>,
): { added: boolean; newKeys: string[] } {
  let added = false;
  const newKeys: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    let b = buffers.get(key);
    if (!b) {
      b = { key, points: [] };
      buffers.set(key, b);
      newKeys.push(key);
    }
    const last = b.points[b.points.length - 1];
    if (last && last.step >= step) {
      if (last.step === step && last.value !== value) {
        b.points[b.points.length - 1] = { step, value };
        added = true;
      }
      continue;
    }
    b.points.push({ step, value });
    added = true;
  }
  return { added, newKeys };
}
