/**
 * The one option builder behind the comparison view (interactive, canvas) and figure export
 * (ECharts SSR → SVG → PDF/PNG on the host): small multiples with a shared x-axis and one zoom,
 * per condition a mean line and a band, faint seeds or raw curves, an anneal marker per
 * condition on every panel, and the LR/noise schedule strip under each panel.
 */
import type { FigureData, FigureSpec } from '@api/schemas';
import { mathText } from './math';
import { sigFormat, xFormat } from './format';
import { boundedAxis, logTicks, niceTicks, roundedExtent, yNameGap } from './ticks';
import { makeReadable } from './readable';
import { CURVES_SHAPE, projectionOf, type Layer, type Projection } from './screenPaths';

export interface FigureColors {
  readonly fg: string;
  readonly muted: string;
  readonly grid: string;
  readonly bg: string;
}

export const PRINT_COLORS: FigureColors = { fg: '#000000', muted: '#333333', grid: '#e3e3e3', bg: '#ffffff' };

export interface FigureOptionOptions {
  /** interactive: tooltips, crosshair, zoom; export: a still picture sized in points. */
  readonly mode: 'interactive' | 'export';
  /** Canvas size in px (1 px = 1 pt in export). */
  readonly width: number;
  readonly height: number;
  readonly colors?: FigureColors;
  /**
   * Interactive only: the conditions the view's own legend has hidden. On screen the legend is
   * the view's (HTML, beside the canvas): ECharts redraws its own legend on every zoom or pan
   * frame; here it stays in the option, not shown, holding which conditions are drawn.
   */
  readonly hidden?: readonly string[];
}

/** A condition's legend entry: its name, its n and how many of its runs collapsed. */
export const legendLabel = (g: Pick<FigureData['groups'][number], 'name' | 'n' | 'collapsed'>): string => `${g.name} (n=${g.n}${g.collapsed ? `, ${g.collapsed} collapsed` : ''})`;

/** Panels per row: as many as fit side by side (a panel wants ~16 em, ~19 with its schedule strip), at most 3. */
export function panelColumns(widthPx: number, fontPx: number, panels: number, withStrip: boolean): number {
  return Math.max(1, Math.min(panels, 3, Math.floor((widthPx - fontPx * 5) / (fontPx * (withStrip ? 17 : 15)))));
}

/**
 * About how wide one panel's plot area is (px) in a chart `widthPx` wide: the chart less the
 * smallest margins and gaps buildFigureOption leaves (its y-axis labels may take a little more).
 * The comparison view asks the host for about two points per pixel of this (min/max buckets).
 */
export function panelPlotWidth(widthPx: number, fontPx: number, panels: number, withStrip: boolean): number {
  const cols = panelColumns(widthPx, fontPx, panels, withStrip);
  const margins = fontPx * 4.2 + fontPx * (withStrip ? 3.6 : 1.2);
  const gaps = (cols - 1) * fontPx * (withStrip ? 6.2 : 4.6);
  return Math.max(1, (widthPx - margins - gaps) / cols);
}

/**
 * Export size in points (1/72 in): the style's width; its height, or width / aspect per row of
 * panels (a single-column figure stacks its panels and grows taller).
 */
export function exportSizePt(spec: FigureSpec, panels = spec.layout === 'overlay' ? 1 : (spec.panels?.length ?? 3), withStrip = spec.schedule): { width: number; height: number } {
  const w = spec.style.widthIn * 72;
  const rows = Math.ceil(panels / panelColumns(w, spec.style.fontSizePt, panels, withStrip));
  const h = (spec.style.heightIn ?? (spec.style.widthIn / spec.style.aspect) * (rows === 1 ? 1 : 0.9 * rows)) * 72;
  return { width: Math.round(w), height: Math.round(h) };
}

type Pair = [number, number | null];
const pairs = (x: readonly number[], y: readonly (number | null)[]): Pair[] => x.map((v, i) => [v, y[i] ?? null]);

/**
 * A schedule drawn as steps (`step: 'end'`: each value holds until the next point's x) needs only
 * the points where the value changes, plus the last one: the same staircase from a handful of
 * points instead of one per logged iteration (400 per condition and panel for the toy schedule).
 */
export function stepCorners(x: readonly number[], y: readonly number[]): Pair[] {
  const out: Pair[] = [];
  const n = Math.min(x.length, y.length);
  for (let k = 0; k < n; k++) {
    if (k === 0 || k === n - 1 || y[k] !== y[k - 1]) out.push([x[k] as number, y[k] as number]);
  }
  return out;
}

/** Positive finite extent of a panel's drawn values (for true-log bounds that do not squash). */
function logExtent(values: Iterable<number | null>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v) || v <= 0) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return null;
  // Pad by 5 % of the log-span (at least 2 % of the value) so curves do not touch the frame.
  const span = Math.log10(hi) - Math.log10(lo);
  const pad = Math.max(span * 0.05, 0.009);
  return [10 ** (Math.log10(lo) - pad), 10 ** (Math.log10(hi) + pad)];
}

/** The bounds of a panel that overlays several metrics: the widest of theirs; none if one has none. */
export function slotBounds(all: readonly (readonly [number | null, number | null] | undefined)[]): [number | null, number | null] | undefined {
  if (all.length === 0 || all.some((b) => !b)) return undefined;
  const lows = all.map((b) => b?.[0] ?? null);
  const highs = all.map((b) => b?.[1] ?? null);
  return [lows.some((v) => v === null) ? null : Math.min(...(lows as number[])), highs.some((v) => v === null) ? null : Math.max(...(highs as number[]))];
}

/**
 * ECharts puts log ticks at powers of the base: base 10 over less than a decade gives no ticks
 * between the bounds, so a narrow range gets a base whose powers split it in about five.
 */
export function logBaseFor([lo, hi]: [number, number]): number {
  const decades = Math.log10(hi / lo);
  return decades >= 2 ? 10 : Number((hi / lo) ** (1 / 5)).valueOf();
}

function hexAlpha(hex: string, a: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1] as string, 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

/** The x/y pairs of a band edge that is drawn: [start, end) runs of points where both edges are numbers. */
export function bandRuns(lo: readonly (number | null)[], hi: readonly (number | null)[]): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  const n = Math.min(lo.length, hi.length);
  for (let k = 0; k <= n; k++) {
    const ok = k < n && typeof lo[k] === 'number' && typeof hi[k] === 'number' && Number.isFinite(lo[k]) && Number.isFinite(hi[k]);
    if (ok && start < 0) start = k;
    else if (!ok && start >= 0) {
      out.push([start, k]);
      start = -1;
    }
  }
  return out;
}

interface CustomParams {
  coordSys?: { x: number; y: number; width: number; height: number };
}
interface CustomApi {
  coord(v: [number, number]): number[];
}

/**
 * One condition's curves in one panel on screen (faint runs, band, anneal marker and, when
 * `mean` is given, the mean drawn last): ONE custom series with one data item, whose graphics
 * draw straight from the data arrays
 * (figure/screenPaths.ts: why, and how). The item spans the drawn x and y extent, so the axes
 * still fit it. Exports draw line series and a markLine instead (the band as two stacked edges,
 * which the CSV reads).
 */
function screenCurves(
  id: string,
  name: string,
  layers: readonly Layer[],
  axes: { xAxisIndex: number; yAxisIndex: number; logX: boolean; logY: boolean },
  color: string,
  mean?: { readonly x0: number; readonly seen: (p: Projection) => void },
): Record<string, unknown> {
  const parts: { x: readonly number[]; y: readonly (number | null)[] }[] = [];
  for (const { src } of layers) {
    if (src.kind === 'lines') parts.push(...src.lines);
    else if (src.kind === 'band') parts.push({ x: src.band.x, y: src.band.lo }, { x: src.band.x, y: src.band.hi });
  }
  const ext = extentOf(parts, axes.logY);
  // A mean: its item's first x is the panel's first x (the same for every mean in the panel).
  // The axis tooltip collects, per axis, the series whose item is nearest the hovered x; with
  // the same x all the panel's means are collected, and the formatter reads the values from the
  // arrays (figure/readable.ts, tooltipFormatter).
  const extent = ext && mean ? ([Math.min(mean.x0, ext[0]), ext[1], ext[2], ext[3]] as const) : ext;
  return {
    type: 'custom',
    id,
    name,
    xAxisIndex: axes.xAxisIndex,
    yAxisIndex: axes.yAxisIndex,
    coordinateSystem: 'cartesian2d',
    silent: true,
    animation: false,
    clip: true,
    z: mean ? 3 : 2,
    ...(mean ? {} : { tooltip: { show: false } }),
    // The full colour (the legend's swatch takes it); the drawing is faint (each layer's style).
    itemStyle: { color },
    // Without curves (only a marker) the item is placed at the marker, inside the x range.
    data: [extent ?? [layers[0]?.src.kind === 'vline' ? layers[0].src.x : 0, NaN, NaN, NaN]],
    encode: { x: [0, 1], y: [2, 3], tooltip: [] },
    renderItem: (params: CustomParams, api: CustomApi) => {
      const proj = projectionOf((v) => api.coord(v), axes.logX, axes.logY, params.coordSys ?? null);
      mean?.seen(proj);
      return { type: 'group', children: layers.map((l) => ({ type: CURVES_SHAPE, silent: true, shape: { src: l.src, proj }, style: l.style })) };
    },
  };
}

/** The x and y extent of some points (finite ones; y also > 0 on a log axis); null if none. */
function extentOf(parts: readonly { x: readonly number[]; y: readonly (number | null)[] }[], logY: boolean): [number, number, number, number] | null {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const { x, y } of parts)
    for (let k = 0; k < x.length; k++) {
      const v = y[k];
      if (v === null || v === undefined || !Number.isFinite(v) || (logY && v <= 0)) continue;
      const xv = x[k] as number;
      if (xv < x0) x0 = xv;
      if (xv > x1) x1 = xv;
      if (v < y0) y0 = v;
      if (v > y1) y1 = v;
    }
  return x0 <= x1 ? [x0, x1, y0, y1] : null;
}

export function buildFigureOption(data: FigureData, spec: FigureSpec, o: FigureOptionOptions): Record<string, unknown> {
  const c = o.colors ?? PRINT_COLORS;
  const st = spec.style;
  const fs = o.mode === 'export' ? st.fontSizePt : 12;
  const lw = o.mode === 'export' ? st.lineWidthPt : 1.6;
  const interactive = o.mode === 'interactive';
  const colorOf = new Map(data.groups.map((g) => [g.name, g.color]));
  const markerDash = annealDashes(data.groups);
  const panels = data.panels;
  // Small multiples: one slot per metric; overlay: every metric in one slot (told apart by dash).
  const slots =
    spec.layout === 'overlay' && panels.length > 1
      ? [{ key: panels.map((p) => p.key).join('+'), label: panels.map((p) => st.yLabels[p.key] ?? p.label).join(' / '), members: panels }]
      : panels.map((p) => ({ key: p.key, label: st.yLabels[p.key] ?? p.label, members: [p] }));
  const P = Math.max(1, slots.length);
  const withStrip = spec.schedule && data.schedule !== null && data.schedule.length > 0;
  // As many panels side by side as fit (a panel wants ~16 em), at most 3.
  const cols = panelColumns(o.width, fs, P, withStrip);
  const rows = Math.ceil(P / cols);

  // ---- y extents and the room their labels need (computed before the layout uses it)
  const tickFs = fs * 0.9;
  const yInfo = slots.map((p) => {
    const drawn: (number | null)[] = [];
    for (const m of p.members)
      for (const cv of m.curves) {
        drawn.push(...cv.mean);
        if (spec.band !== 'none') drawn.push(...cv.lo, ...cv.hi);
        if (spec.showSeeds || spec.smoothing > 0) for (const r of cv.runs) drawn.push(...(spec.showSeeds ? r.y : r.raw));
      }
    // The values the metric can take (all members': the widest), e.g. [0, 1] for an accuracy.
    const bounds = slotBounds(p.members.map((m) => m.bounds));
    let ext = spec.logY ? logExtent(drawn) : null;
    if (ext && bounds?.[1] != null && ext[1] > bounds[1] && ext[0] < bounds[1]) ext = [ext[0], bounds[1]];
    const custom = ext ? logTicks(ext[0], ext[1]) : null;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of drawn) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const linear = spec.logY ? null : boundedAxis(lo, hi, bounds);
    // The labels ECharts will likely draw: the custom ones, or nice values over the data (plus its ends).
    const labels = custom ?? (ext ? [ext[0], ext[1]] : linear ? niceTicks(linear.min, linear.max, 5) : lo <= hi ? [...niceTicks(lo, hi, 5), lo, hi] : [0]);
    return { ext, custom, linear, nameGap: yNameGap(labels, tickFs, fs) };
  });
  const widestGap = Math.max(fs * 3.2, ...yInfo.map((y) => y.nameGap));

  // ---- layout (px)
  const titleH = st.title ? fs * 2 : 0;
  const legendText = legendLabel;
  // The legend ECharts lays out in the figure (on screen the view draws its own, outside the canvas).
  const legendPos = interactive ? 'none' : st.legend;
  const legendItemsW = data.groups.reduce((a, g) => a + legendText(g).length * fs * 0.6 + fs * 4, 0);
  const legendRows = Math.max(1, Math.ceil(legendItemsW / Math.max(1, o.width - fs * 2)));
  const legendH = legendPos === 'top' || legendPos === 'bottom' ? legendRows * fs * 1.9 + fs * 0.4 : 0;
  const legendW = legendPos === 'right' ? Math.min(o.width * 0.25, fs * 12) : 0;
  const zoomH = interactive ? 28 : 0;
  const top0 = titleH + (legendPos === 'top' ? legendH : 0) + fs * 0.8;
  const bottom0 = (legendPos === 'bottom' ? legendH : 0) + zoomH + fs * 0.5;
  // Room left of the first axis for its tick labels and its title.
  const left0 = Math.max(fs * 4.2, widestGap + fs * 1.1);
  const right0 = legendW + fs * (withStrip ? 3.6 : 1.2);
  const cellW = (o.width - left0 - right0) / cols;
  const cellH = (o.height - top0 - bottom0) / rows;
  const gapX = Math.max(fs * (withStrip ? 6.2 : 4.6), widestGap + fs * (withStrip ? 3 : 1.4));
  const xNameH = fs * 3;
  const stripH = withStrip ? Math.max(fs * 3, cellH * 0.2) : 0;
  const gapY = fs * 1.8;

  const grids: Record<string, unknown>[] = [];
  const xAxes: Record<string, unknown>[] = [];
  const yAxes: Record<string, unknown>[] = [];
  const series: Record<string, unknown>[] = [];
  const titles: Record<string, unknown>[] = [];
  if (st.title) titles.push({ text: mathText(st.title), left: 'center', top: 0, textStyle: { fontSize: fs * 1.15, fontWeight: 'normal', color: c.fg, fontFamily: st.fontFamily } });

  const xName = mathText(st.xLabel ?? data.xLabel);
  const axisCommon = {
    axisLine: { lineStyle: { color: c.muted } },
    axisTick: { lineStyle: { color: c.muted } },
    axisLabel: { color: c.muted, fontSize: fs * 0.9, fontFamily: st.fontFamily, hideOverlap: true },
    splitLine: { lineStyle: { color: c.grid, width: 0.5 } },
    nameTextStyle: { color: c.fg, fontSize: fs, fontFamily: st.fontFamily },
  };
  const xUnit = spec.x;
  const range = spec.range;

  const DASH = ['solid', 'dashed', 'dotted'] as const;
  // On screen: each panel's projection at the last frame (its means record it when drawn); the tooltip maps the pointer's pixel x through it.
  const screen = new Map<number, Projection>();
  slots.forEach((p, i) => {
    const curvesOf = (): { cv: FigureData['panels'][number]['curves'][number]; key: string; mi: number }[] =>
      p.members.flatMap((m, mi) => m.curves.map((cv) => ({ cv, key: m.key, mi })));
    const col = i % cols;
    const row = Math.floor(i / cols);
    const left = left0 + col * cellW;
    const width = cellW - (col < cols - 1 ? gapX : 0);
    const top = top0 + row * cellH;
    const stripGap = fs * 1.2;
    const mainH = cellH - stripH - xNameH - (row < rows - 1 ? gapY : 0) - (withStrip ? stripGap : 0);
    const gi = grids.length;
    grids.push({ left, top, width, height: mainH, containLabel: false, outerBoundsMode: 'none' });
    // One x extent for the panel and its strip, so they line up (the schedule may run longer than the data).
    let x0 = Infinity;
    let x1 = -Infinity;
    for (const { cv } of curvesOf()) for (const v of cv.x) {
      if (v < x0) x0 = v;
      if (v > x1) x1 = v;
    }
    // Round ends on a linear axis (the end labels are drawn: 50000, not 49999); a log axis is labelled at powers.
    const ends = (a: number, b: number): { min: number; max: number } => {
      const [min, max] = spec.logX ? [a, b] : roundedExtent(a, b);
      return { min, max };
    };
    const xExtent = range ? ends(range.from, range.to) : x0 <= x1 ? ends(x0, x1) : {};
    const xi = xAxes.length;
    xAxes.push({
      ...axisCommon,
      type: spec.logX ? 'log' : 'value',
      gridIndex: gi,
      scale: true,
      ...xExtent,
      name: withStrip ? '' : xName,
      nameLocation: 'middle',
      nameGap: fs * 1.9,
      axisLabel: { ...axisCommon.axisLabel, show: !withStrip, formatter: (v: number) => xFormat(v, xUnit) },
      splitLine: { show: false },
      // On screen, a panel above its schedule strip leaves its x axis to the strip (labelled, on
      // the same x): ECharts lays out every shown axis again on each zoom or pan frame. The
      // panel's lowest y grid line still closes the plot.
      ...(interactive && withStrip ? { show: false } : {}),
    });
    const yi = yAxes.length;
    const { ext, custom, linear, nameGap } = yInfo[i] ?? { ext: null, custom: null, linear: null, nameGap: fs * 3.2 };
    yAxes.push({
      ...axisCommon,
      type: spec.logY ? 'log' : 'value',
      // Under two decades: base 10 with labels at round values (figure/ticks.ts), not at powers of an odd base.
      ...(ext ? { logBase: custom ? 10 : logBaseFor(ext) } : {}),
      gridIndex: gi,
      scale: true,
      ...(ext ? { min: ext[0], max: ext[1] } : linear ? { min: linear.min, max: linear.max, ...(linear.interval ? { interval: linear.interval } : {}) } : {}),
      name: mathText(p.label),
      nameLocation: 'middle',
      nameGap,
      axisLabel: { ...axisCommon.axisLabel, formatter: (v: number) => sigFormat(v, 3), ...(custom ? { customValues: custom } : {}) },
      ...(custom ? { axisTick: { ...axisCommon.axisTick, customValues: custom } } : {}),
    });

    for (const { cv, key, mi } of curvesOf()) {
      const color = colorOf.get(cv.group) ?? c.fg;
      const base = { type: 'line', xAxisIndex: xi, yAxisIndex: yi, showSymbol: false, symbol: 'none', silent: !interactive, animation: false, connectNulls: false };
      // Faint individual curves: each seed (smoothed) on demand, or the raw points under a smoothed mean.
      // On screen, what lies under a condition's mean (its runs, its band, its anneal marker) is
      // one custom series drawn from the arrays (figure/screenPaths.ts): ECharts' cost per series
      // on every zoom or pan frame is as large as its cost per 1000 points.
      const under: Layer[] = [];
      const g = data.groups.find((x) => x.name === cv.group);
      if ((spec.showSeeds || spec.smoothing > 0) && interactive) {
        // Faint individual curves: each seed (smoothed) on demand, or the raw points under a smoothed mean.
        const lines = cv.runs.map((r) => ({ x: r.x, y: spec.showSeeds ? r.y : r.raw }));
        under.push({ src: { kind: 'lines', lines }, style: { stroke: hexAlpha(color, 0.28), lineWidth: Math.max(0.5, lw * 0.6), fill: null } });
      } else if (spec.showSeeds || spec.smoothing > 0) {
        for (const r of cv.runs) {
          const y = spec.showSeeds ? r.y : r.raw;
          series.push({
            ...base,
            id: `seed:${key}:${cv.group}:${r.runId}`,
            name: cv.group,
            data: pairs(r.x, y),
            lineStyle: { width: Math.max(0.5, lw * 0.6), color: hexAlpha(color, 0.28) },
            itemStyle: { color },
            tooltip: { show: false },
            z: 1,
          });
        }
      }
      if (spec.band !== 'none' && cv.n > 1 && interactive) {
        const runs = bandRuns(cv.lo, cv.hi);
        if (runs.length) under.push({ src: { kind: 'band', band: { x: cv.x, lo: cv.lo, hi: cv.hi, runs } }, style: { fill: hexAlpha(color, 0.2), stroke: null } });
      } else if (spec.band !== 'none' && cv.n > 1) {
        const stack = `band:${key}:${cv.group}`;
        series.push({
          ...base,
          id: `${stack}:lo`,
          name: cv.group,
          stack,
          data: pairs(cv.x, cv.lo),
          lineStyle: { opacity: 0 },
          itemStyle: { color },
          tooltip: { show: false },
          z: 2,
        });
        series.push({
          ...base,
          id: `${stack}:hi`,
          name: cv.group,
          stack,
          data: cv.x.map((x, k): Pair => {
            const lo = cv.lo[k];
            const hi = cv.hi[k];
            return [x, lo === null || lo === undefined || hi === null || hi === undefined ? null : hi - lo];
          }),
          lineStyle: { opacity: 0 },
          areaStyle: { color: hexAlpha(color, 0.2) },
          itemStyle: { color },
          tooltip: { show: false },
          z: 2,
        });
      }
      if (interactive && g && g.annealAt !== null) {
        const d = markerDash.get(g.name) ?? { dash: [5, 5], offset: 0 };
        under.push({ src: { kind: 'vline', x: g.annealAt }, style: { stroke: color, lineWidth: Math.max(0.5, lw * 0.7), lineDash: d.dash, lineDashOffset: d.offset, fill: null } });
      }
      if (interactive) {
        // On screen the mean is drawn from its arrays too, last in the same series as what lies
        // under it (ECharts' cost per series on every frame is about its cost per 1000 points);
        // the tooltip reads the arrays (figure/readable.ts).
        under.push({ src: { kind: 'lines', lines: [{ x: cv.x, y: cv.mean }] }, style: { stroke: color, lineWidth: lw, lineDash: DASH[mi % 3], lineJoin: 'bevel', fill: null } });
        series.push(screenCurves(`mean:${key}:${cv.group}`, cv.group, under, { xAxisIndex: xi, yAxisIndex: yi, logX: spec.logX, logY: spec.logY }, color, { x0: x0 <= x1 ? x0 : 0, seen: (p) => screen.set(gi, p) }));
        continue;
      }
      series.push({
        ...base,
        id: `mean:${key}:${cv.group}`,
        name: cv.group,
        data: pairs(cv.x, cv.mean),
        lineStyle: { width: lw, color, type: DASH[mi % 3] },
        itemStyle: { color },
        z: 3,
        ...(!interactive && g && g.annealAt !== null
          ? {
              markLine: {
                silent: true,
                symbol: 'none',
                animation: false,
                label: { show: false },
                lineStyle: { color, width: Math.max(0.5, lw * 0.7), ...markLineDash(markerDash.get(g.name)) },
                data: [{ xAxis: g.annealAt, name: `anneal (${cv.group})` }],
              },
            }
          : {}),
      });
    }

    if (withStrip && data.schedule) {
      const sgi = grids.length;
      grids.push({ left, top: top + mainH + stripGap, width, height: stripH, containLabel: false, outerBoundsMode: 'none' });
      const sxi = xAxes.length;
      xAxes.push({
        ...axisCommon,
        type: spec.logX ? 'log' : 'value',
        gridIndex: sgi,
        scale: true,
        ...xExtent,
        name: xName,
        nameLocation: 'middle',
        nameGap: fs * 1.9,
        axisLabel: { ...axisCommon.axisLabel, formatter: (v: number) => xFormat(v, xUnit) },
        splitLine: { show: false },
      });
      const lrAxis = yAxes.length;
      yAxes.push({
        ...axisCommon,
        type: spec.scheduleLog ? 'log' : 'value',
        gridIndex: sgi,
        scale: spec.scheduleLog,
        name: col === 0 ? 'η' : '',
        nameLocation: 'middle',
        nameGap: fs * 3.2,
        splitNumber: 2,
        // On screen the strips of a row share one schedule and scale: η's values are labelled where its name is.
        axisLabel: { ...axisCommon.axisLabel, fontSize: fs * 0.75, formatter: (v: number) => sigFormat(v, 2), ...(interactive && col !== 0 ? { show: false } : {}) },
        splitLine: { show: false },
      });
      const noiseAxis = yAxes.length;
      yAxes.push({
        ...axisCommon,
        type: 'value',
        gridIndex: sgi,
        position: 'right',
        name: col === cols - 1 || i === P - 1 ? 'σ' : '',
        nameLocation: 'middle',
        nameGap: fs * 2.4,
        splitNumber: 2,
        axisLabel: { ...axisCommon.axisLabel, fontSize: fs * 0.75, formatter: (v: number) => sigFormat(v, 2), ...(interactive && !(col === cols - 1 || i === P - 1) ? { show: false } : {}) },
        show: data.schedule.some((x) => x.noise.some((v) => v !== 0)),
        splitLine: { show: false },
      });
      for (const s of data.schedule) {
        const color = colorOf.get(s.group) ?? c.fg;
        const sbase = { type: 'line', xAxisIndex: sxi, showSymbol: false, symbol: 'none', step: 'end', silent: !interactive, animation: false, z: 3 };
        series.push({ ...sbase, id: `lr:${p.key}:${s.group}`, name: s.group, yAxisIndex: lrAxis, data: stepCorners(s.x, s.lr), lineStyle: { width: Math.max(0.5, lw * 0.8), color }, itemStyle: { color } });
        if (s.noise.some((v) => v !== 0)) {
          series.push({ ...sbase, id: `noise:${p.key}:${s.group}`, name: s.group, yAxisIndex: noiseAxis, data: stepCorners(s.x, s.noise), lineStyle: { width: Math.max(0.5, lw * 0.8), color, type: 'dotted' }, itemStyle: { color } });
        }
      }
    }
  });

  const allX = xAxes.map((_, k) => k);
  const legendNames = data.groups.map((g) => g.name);
  const option: Record<string, unknown> = {
    animation: false,
    backgroundColor: o.mode === 'export' ? c.bg : 'transparent',
    textStyle: { fontFamily: st.fontFamily, fontSize: fs, color: c.fg },
    title: titles,
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    series,
    legend: interactive
      ? { show: false, data: legendNames, selected: Object.fromEntries((o.hidden ?? []).map((n) => [n, false])) }
      : st.legend === 'none'
        ? { show: false }
        : {
            show: true,
            data: legendNames.map((name) => ({ name, icon: 'rect' })),
            itemWidth: fs * 1.6,
            itemGap: fs * 1.2,
            itemHeight: Math.max(2, lw * 1.5),
            textStyle: { fontSize: fs, color: c.fg, fontFamily: st.fontFamily },
            ...(st.legend === 'top' ? { top: titleH, left: 'center', orient: 'horizontal' } : {}),
            ...(st.legend === 'bottom' ? { bottom: zoomH, left: 'center', orient: 'horizontal' } : {}),
            ...(st.legend === 'right' ? { right: 0, top: 'middle', orient: 'vertical' } : {}),
            formatter: (name: string) => {
              const g = data.groups.find((x) => x.name === name);
              return g ? legendText(g) : name;
            },
          },
  };
  if (interactive) {
    option['tooltip'] = {
      trigger: 'axis',
      confine: true,
      valueFormatter: (v: unknown) => (typeof v === 'number' ? sigFormat(v, 4) : String(v ?? '—')),
    };
    // No snapping to a series' nearest item (set per axis: the tooltip's default overrides the
    // global one): the means are single items drawn from their arrays, and the tooltip finds
    // each mean's nearest point itself.
    for (const ax of xAxes) ax['axisPointer'] = { ...((ax['axisPointer'] as Record<string, unknown> | undefined) ?? {}), snap: false };
    option['axisPointer'] = { link: [{ xAxisIndex: 'all' }], label: { formatter: (p: { value: number }) => xFormat(p.value, xUnit) } };
    option['dataZoom'] = [
      { type: 'inside', xAxisIndex: allX, filterMode: 'none' },
      // No data shadow: it redraws a miniature of one faint seed on every zoom frame (~7 % of one).
      { type: 'slider', xAxisIndex: allX, height: 16, bottom: 4, left: left0, right: right0, filterMode: 'none', showDataShadow: false, labelFormatter: (v: number) => xFormat(v, xUnit) },
    ];
  }
  return makeReadable(option, data, spec, { mode: o.mode, fontSize: fs, screen });
}

/** A marker's dash pattern (pixels) and its offset along the line. */
export interface MarkerDash {
  readonly dash: readonly number[];
  readonly offset: number;
}

/**
 * Anneal markers of conditions that anneal at the same x would lie on top of each other and
 * show only the last one drawn. Conditions that share an anneal x share the dash cycle
 * instead: with k of them, each draws 5 px in every 5·k px, offset by its index among them, so
 * the line alternates their colours. A condition alone at its x gets the plain 5/5 dash.
 */
export function annealDashes(groups: readonly { readonly name: string; readonly annealAt: number | null }[]): Map<string, MarkerDash> {
  const byX = new Map<number, string[]>();
  for (const g of groups) if (g.annealAt !== null) byX.set(g.annealAt, [...(byX.get(g.annealAt) ?? []), g.name]);
  const out = new Map<string, MarkerDash>();
  for (const names of byX.values()) {
    const k = names.length;
    names.forEach((name, j) => out.set(name, k === 1 ? { dash: [5, 5], offset: 0 } : { dash: [5, 5 * (k - 1)], offset: 5 * j }));
  }
  return out;
}

/** The ECharts lineStyle fields (`type`, `dashOffset`) for a marker's dash. */
function markLineDash(d: MarkerDash | undefined): Record<string, unknown> {
  if (!d || (d.dash[0] === 5 && d.dash[1] === 5 && d.offset === 0)) return { type: 'dashed' };
  return { type: [...d.dash], dashOffset: d.offset };
}
