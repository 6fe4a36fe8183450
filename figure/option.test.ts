import { describe, expect, it } from 'vitest';
import { figureData, figureSpec } from './testSpec';
import type { FigureData, FigureSpec } from '@api/schemas';
import { annealDashes, bandRuns, buildFigureOption, panelPlotWidth, slotBounds, stepCorners } from './option';
import { CURVES_SHAPE, firstAtOrAfter, traceCurves, type CurveSource, type PathSink, type Projection } from './screenPaths';
import { boundedAxis, roundedExtent } from './ticks';

/** boundedAxis's extent alone, [min, max] (null where it gives none). */
const boundedExtent = (lo: number, hi: number, bounds: Parameters<typeof boundedAxis>[2]): [number, number] | null => {
  const a = boundedAxis(lo, hi, bounds);
  return a ? [a.min, a.max] : null;
};

describe('axis extents', () => {
  it('an accuracy axis ends at 1, not 1.1, even where a mean + std band passes 1; an error axis starts at 0 at most', () => {
    expect(boundedExtent(0.43, 1.004, [0, 1])).toEqual([0.4, 1]);
    expect(boundedExtent(0.43, 0.97, [0, 1])).toEqual([0.4, 1]);
    expect(boundedExtent(0.03, 0.61, [0, 1])).toEqual([0, 0.8]);
    expect(boundedExtent(-0.004, 0.2, [0, 1])).toEqual([0, 0.2]);
    // A loss: not below 0, no upper bound (nice end above the data).
    expect(boundedExtent(0.02, 0.71, [0, null])).toEqual([0, 0.8]);
    // A flat line at the bound gets room on the open side only.
    expect(boundedExtent(1, 1, [0, 1])).toEqual([0.95, 1]);
    // No bounds (or no data): ECharts' own nice extent.
    expect(boundedExtent(0.43, 1.004, undefined)).toBeNull();
    expect(boundedExtent(0.43, 1.004, [null, null])).toBeNull();
    expect(boundedExtent(Infinity, -Infinity, [0, 1])).toBeNull();
  });

  it('gives ECharts the label step it rounded to, so the top label is not drawn over the one below it (0.25 steps to 1.25, not 0.3 steps plus 1.25)', () => {
    expect(boundedAxis(0.3, 1.2, [0, null])).toEqual({ min: 0.25, max: 1.25, interval: 0.25 });
    expect(boundedAxis(0, 1.003, [0, null])).toEqual({ min: 0, max: 1.5, interval: 0.5 });
    expect(boundedAxis(0.43, 0.97, [0, 1])).toEqual({ min: 0.4, max: 1, interval: 0.2 });
    expect(boundedAxis(0.02, 0.71, [0, null])).toEqual({ min: 0, max: 0.8, interval: 0.2 });
  });

  it('overlaid metrics share the widest bounds, none if one is unbounded', () => {
    expect(slotBounds([[0, 1], [0, 1]])).toEqual([0, 1]);
    expect(slotBounds([[0, 1], [0, null]])).toEqual([0, null]);
    expect(slotBounds([[0, 1], undefined])).toBeUndefined();
  });

  it('x ends are round numbers: 50000 not 49999, 7.6 not 7.56, adding at most 2 % of the span', () => {
    expect(roundedExtent(0, 49_999)).toEqual([0, 50_000]);
    expect(roundedExtent(0, 7.56)).toEqual([0, 7.6]);
    expect(roundedExtent(12_345, 23_456)).toEqual([12_200, 23_600]);
    expect(roundedExtent(0, 5985)).toEqual([0, 6000]);
    const [a, b] = roundedExtent(101, 9_876);
    expect(101 - a).toBeLessThanOrEqual((9_876 - 101) * 0.02);
    expect(b - 9_876).toBeLessThanOrEqual((9_876 - 101) * 0.02);
    expect(roundedExtent(3, 3)).toEqual([3, 3]);
  });
});

describe('drawing helpers', () => {
  it('a step schedule keeps only the points where it changes, and its last point', () => {
    expect(stepCorners([0, 15, 30, 45, 60, 75], [0.5, 0.5, 0.5, 0.02, 0.02, 0.02])).toEqual([
      [0, 0.5],
      [45, 0.02],
      [75, 0.02],
    ]);
    expect(stepCorners([0], [1])).toEqual([[0, 1]]);
    expect(stepCorners([], [])).toEqual([]);
  });

  it('a band is drawn in stretches where both edges are numbers', () => {
    expect(bandRuns([null, 1, 2, null, 3, 4], [null, 2, 3, null, 4, 5])).toEqual([
      [1, 3],
      [4, 6],
    ]);
    expect(bandRuns([1, 2], [null, null])).toEqual([]);
  });

  it('finds the first point at or after a pixel (binary search on increasing x)', () => {
    const px = (k: number): number => k * 10;
    expect(firstAtOrAfter(px, 0, 10, 35)).toBe(4);
    expect(firstAtOrAfter(px, 0, 10, -5)).toBe(0);
    expect(firstAtOrAfter(px, 0, 10, 500)).toBe(10);
    expect(firstAtOrAfter(px, 3, 6, 0)).toBe(3);
  });

  it("a panel's plot width shrinks with more panels per row and stays positive", () => {
    const one = panelPlotWidth(1240, 12, 1, true);
    const three = panelPlotWidth(1240, 12, 3, true);
    expect(three).toBeLessThan(one / 2);
    expect(three).toBeGreaterThan(250);
    expect(panelPlotWidth(10, 12, 3, true)).toBeGreaterThan(0);
  });
});

const spec = (patch: Partial<FigureSpec> = {}): FigureSpec =>
  figureSpec({ panels: ['train/p_only/acc', 'train/loss'], x: 'step', style: { widthIn: 6.75, aspect: 1.6 }, ...patch });

/** Two conditions × two runs on an accuracy panel (up to 1, its band past 1) and a loss panel; x to 49 999. */
function data(): FigureData {
  const x = [0, 10_000, 20_000, 30_000, 49_999];
  const run = (id: string, ys: number[]) => ({ runId: id, x, y: ys, raw: ys });
  const curve = (group: string, ys: number[]) => ({ group, n: 2, x, mean: ys, lo: ys.map((y) => y - 0.01), hi: ys.map((y) => y + 0.01), nAt: x.map(() => 2), runs: [run(`${group}1`, ys), run(`${group}2`, ys)] });
  return figureData({
    panels: [
      { key: 'train/p_only/acc', label: 'P-only training accuracy', bounds: [0, 1], curves: [curve('L-S', [0.5, 0.9, 0.99, 1, 1]), curve('S', [0.45, 0.7, 0.8, 0.9, 0.95])], shownPoints: 0, storedPoints: 0 },
      { key: 'train/loss', label: 'training loss', bounds: [0, null], curves: [curve('L-S', [0.7, 0.3, 0.1, 0.05, 0.02]), curve('S', [0.7, 0.5, 0.3, 0.2, 0.1])], shownPoints: 0, storedPoints: 0 },
    ],
    groups: [
      { name: 'L-S', color: '#0072B2', n: 2, collapsed: 0, annealAt: 25_000 },
      { name: 'S', color: '#D55E00', n: 2, collapsed: 0, annealAt: null },
    ],
    schedule: [
      { group: 'L-S', x: [0, 12_500, 25_000, 37_500, 50_000], lr: [0.5, 0.5, 0.02, 0.02, 0.02], noise: [0, 0, 0, 0, 0] },
      { group: 'S', x: [0, 12_500, 25_000, 37_500, 50_000], lr: [0.02, 0.02, 0.02, 0.02, 0.02], noise: [0, 0, 0, 0, 0] },
    ],
    xLabel: 'iteration',
  });
}

type Series = { id: string; type: string; data: unknown[]; markLine?: unknown; renderItem?: unknown };
type Axis = { min?: number; max?: number; gridIndex: number };

describe('figure option builder', () => {
  it('accuracy y axes end at 1 (the metric’s bounds), losses start at 0 at most; x ends round; the strip spans the same x', () => {
    for (const mode of ['interactive', 'export'] as const) {
      const o = buildFigureOption(data(), spec(), { mode, width: 1200, height: 500 });
      const y = o['yAxis'] as Axis[];
      const acc = y[0];
      expect(acc?.max).toBe(1);
      expect(acc?.min).toBe(0.4);
      const loss = y.find((a, i) => i > 0 && a.gridIndex === 2);
      expect(loss?.min).toBe(0);
      expect(loss?.max).toBe(0.8);
      const x = o['xAxis'] as Axis[];
      expect(x.map((a) => [a.min, a.max])).toEqual(x.map(() => [0, 50_000]));
    }
  });

  it('anneal markers of conditions that anneal at the same x alternate their colours along one line (not one hiding the other)', () => {
    const g = (name: string, annealAt: number | null) => ({ name, annealAt });
    const dashes = annealDashes([g('large LR', 237), g('small LR', null), g('small LR + noise', 237), g('other', 500)]);
    expect(dashes.get('large LR')).toEqual({ dash: [5, 5], offset: 0 });
    expect(dashes.get('small LR + noise')).toEqual({ dash: [5, 5], offset: 5 });
    expect(dashes.get('other')).toEqual({ dash: [5, 5], offset: 0 });
    expect(dashes.has('small LR')).toBe(false);
    const three = annealDashes([g('a', 1), g('b', 1), g('c', 1)]);
    expect([...three.values()]).toEqual([0, 5, 10].map((offset) => ({ dash: [5, 10], offset })));
    // In the figure: both conditions anneal at 25 000 — on screen the second marker is offset, in
    // the export its markLine carries the same pattern and offset.
    const d = data();
    const both = { ...d, groups: d.groups.map((x) => ({ ...x, annealAt: 25_000 })) } as FigureData;
    const screen = buildFigureOption(both, spec(), { mode: 'interactive', width: 1200, height: 500 })['series'] as Series[];
    type Drawn = { children: { shape: { src: CurveSource }; style: Record<string, unknown> }[] };
    const markerStyle = (id: string) =>
      (screen.find((s) => s.id === id) as Series & { renderItem: (p: unknown, api: { coord(v: [number, number]): number[] }) => Drawn }).renderItem({ coordSys: { x: 0, y: 0, width: 1, height: 1 } }, { coord: (v) => v }).children.find((c) => c.shape.src.kind === 'vline')?.style;
    expect(markerStyle('mean:train/p_only/acc:L-S')).toMatchObject({ lineDash: [5, 5], lineDashOffset: 0 });
    expect(markerStyle('mean:train/p_only/acc:S')).toMatchObject({ lineDash: [5, 5], lineDashOffset: 5 });
    const exported = buildFigureOption(both, spec(), { mode: 'export', width: 1200, height: 500 })['series'] as (Series & { markLine?: { lineStyle: Record<string, unknown> } })[];
    expect(exported.find((s) => s.id === 'mean:train/p_only/acc:S')?.markLine?.lineStyle).toMatchObject({ type: [5, 5], dashOffset: 5 });
    // A condition alone at its x keeps the plain dashed marker.
    const alone = buildFigureOption(d, spec(), { mode: 'export', width: 1200, height: 500 })['series'] as (Series & { markLine?: { lineStyle: Record<string, unknown> } })[];
    expect(alone.find((s) => s.id === 'mean:train/p_only/acc:L-S')?.markLine?.lineStyle).toMatchObject({ type: 'dashed' });
  });

  it('on screen: one series per condition and panel (its runs, band, anneal marker and mean) drawn from the arrays; schedule steps at their changes, no slider shadow', () => {
    const d = data();
    const o = buildFigureOption(d, spec({ smoothing: 0.5 }), { mode: 'interactive', width: 1200, height: 500 });
    const series = o['series'] as Series[];
    type Drawn = { type: string; children: { type: string; silent: boolean; shape: { src: CurveSource; proj: Projection } }[] };
    const render = (s: Series | undefined, left: number, width: number): Drawn => (s as Series & { renderItem: (p: unknown, api: { coord(v: [number, number]): number[] }) => Drawn }).renderItem({ coordSys: { x: left, y: 0, width, height: 1 } }, { coord: (v) => v });
    /** What each layer of a drawn series traces, with the identity projection, in the window [left, left + width]. */
    const traced = (s: Series | undefined, left: number, width: number): string[][] =>
      render(s, left, width).children.map((c) => {
        const out: string[] = [];
        const sink: PathSink = { moveTo: (x, y) => out.push(`M${x},${y}`), lineTo: (x, y) => out.push(`L${x},${y}`), closePath: () => out.push('Z') };
        traceCurves(sink, c.shape.src, c.shape.proj);
        return out;
      });
    const under = series.filter((s) => s.id.startsWith('mean:'));
    // 2 panels × 2 conditions; L-S anneals at 25 000 (S does not), so its layers are runs, band, marker, mean.
    expect(under).toHaveLength(4);
    expect(under.every((s) => s.type === 'custom' && render(s, 0, 1).children.every((c) => c.type === CURVES_SHAPE && c.silent))).toBe(true);
    const ls = under.find((s) => s.id === 'mean:train/p_only/acc:L-S');
    expect(render(ls, 0, 1).children.map((c) => c.shape.src.kind)).toEqual(['lines', 'band', 'vline', 'lines']);
    expect(render(under.find((s) => s.id === 'mean:train/p_only/acc:S'), 0, 1).children.map((c) => c.shape.src.kind)).toEqual(['lines', 'band', 'lines']);
    const [lines, band, marker] = traced(ls, -1e9, 2e9);
    // Both runs, each its own polyline; every point of both is drawn.
    expect(lines?.filter((p) => p.startsWith('M'))).toHaveLength(2);
    expect(lines).toHaveLength(2 * 5);
    const r0 = d.panels[0]?.curves[0]?.runs[0];
    expect(lines?.slice(0, 5)).toEqual(r0?.x.map((x, k) => `${k ? 'L' : 'M'}${x},${r0.raw[k]}`));
    // The band's polygon: the upper edge left to right, then the lower edge back.
    const c = d.panels[0]?.curves[0];
    expect(band).toHaveLength(11);
    expect(band?.[0]).toBe(`M0,${c?.hi[0]}`);
    expect(band?.[9]).toBe(`L0,${c?.lo[0]}`);
    expect(band?.[10]).toBe('Z');
    // The anneal marker: a vertical line at 25 000 across the plot (here from y 0 to 1).
    expect(marker).toEqual(['M25000,0', 'L25000,1']);
    // Zoomed to x in [15000, 25000]: only the points inside and one beyond each edge.
    expect(traced(ls, 15_000, 10_000)[1]?.map((p) => p.split(',')[0])).toEqual(['M10000', 'L20000', 'L30000', 'L30000', 'L20000', 'L10000', 'Z']);
    // On screen the marker is not a markLine (exports keep that).
    expect(series.some((s) => s.markLine)).toBe(false);
    expect(series.find((s) => s.id === 'lr:train/p_only/acc:L-S')?.data).toEqual([
      [0, 0.5],
      [25_000, 0.02],
      [50_000, 0.02],
    ]);
    const slider = (o['dataZoom'] as { type: string; showDataShadow?: boolean }[]).find((z) => z.type === 'slider');
    expect(slider?.showDataShadow).toBe(false);
  });

  it('on screen the means are drawn from their arrays too: one custom item each, collected by the axis tooltip, dashed per metric in overlay', () => {
    const d = data();
    const o = buildFigureOption(d, spec({ layout: 'overlay' }), { mode: 'interactive', width: 1200, height: 500 });
    const series = o['series'] as (Series & { data?: unknown[]; tooltip?: { show?: boolean }; z?: number })[];
    const means = series.filter((s) => s.id.startsWith('mean:'));
    expect(means).toHaveLength(4);
    expect(means.every((s) => s.type === 'custom' && s.tooltip?.show !== false && s.z === 3)).toBe(true);
    // Every mean of the panel has the same first x (the axis tooltip collects the series nearest the hovered x).
    expect(new Set(means.map((s) => (s.data?.[0] as number[])[0])).size).toBe(1);
    type Drawn = { children: { shape: { src: CurveSource; proj: Projection }; style: Record<string, unknown> }[] };
    const drawn = (id: string): Drawn =>
      (series.find((s) => s.id === id) as Series & { renderItem: (p: unknown, api: { coord(v: [number, number]): number[] }) => Drawn }).renderItem({ coordSys: { x: -1e9, y: -1e9, width: 2e9, height: 2e9 } }, { coord: (v) => v });
    const first = drawn('mean:train/p_only/acc:L-S').children.at(-1);
    const second = drawn('mean:train/loss:L-S').children.at(-1);
    // Solid for the first metric, dashed for the second (zrender scales 'dashed' by the line width, as a line series does).
    expect(first?.style).toMatchObject({ stroke: second?.style['stroke'], lineDash: 'solid' });
    expect(second?.style['lineDash']).toBe('dashed');
    const out: string[] = [];
    if (first) traceCurves({ moveTo: (x, y) => out.push(`M${x},${y}`), lineTo: (x, y) => out.push(`L${x},${y}`), closePath: () => out.push('Z') }, first.shape.src, first.shape.proj);
    const c = d.panels[0]?.curves[0];
    expect(out).toEqual(c?.x.map((x, k) => `${k ? 'L' : 'M'}${x},${c.mean[k]}`));
    // The crosshair does not snap to an item (a mean is one item): every x axis says so.
    expect((o['xAxis'] as { axisPointer?: { snap?: boolean } }[]).every((a) => a.axisPointer?.snap === false)).toBe(true);
    // The tooltip: the pointer's pixel x goes through the panel's projection of the last frame (recorded when a mean is drawn),
    // and the content is written again for the nearest points whenever that x changes.
    const tooltip = o['tooltip'] as { formatter: (p: unknown) => string; position: (pt: number[], p: unknown, dom: { innerHTML: string }) => unknown };
    const scaled = (series.find((s) => s.id === 'mean:train/p_only/acc:S') as Series & { renderItem: (p: unknown, api: { coord(v: [number, number]): number[] }) => Drawn }).renderItem;
    scaled({ coordSys: { x: 100, y: 0, width: 500, height: 300 } }, { coord: ([x, y]) => [100 + x / 100, 300 - 300 * y] }); // x 0 → px 100, 50 000 → px 600
    const params = means.map((s) => ({ seriesId: s.id, axisValue: 0, value: s.data?.[0] }));
    const dom = { innerHTML: tooltip.formatter(params) };
    expect(dom.innerHTML).toContain('<b>iteration 0</b>');
    tooltip.position([100 + 290, 150], params, dom); // x 29 000: nearest point 30 000
    expect(dom.innerHTML).toContain('<b>iteration 30000</b>');
    expect(dom.innerHTML).toMatch(/S<\/td><td[^>]*>0\.9<\/td><td[^>]*>0\.2<\/td>/);
    // Exports keep the means as line series (the SVG and CSV are unchanged).
    const e = buildFigureOption(d, spec({ layout: 'overlay' }), { mode: 'export', width: 486, height: 300 })['series'] as Series[];
    expect(e.filter((s) => s.id.startsWith('mean:')).every((s) => s.type === 'line')).toBe(true);
  });

  it('on screen the legend is the view’s: the option keeps which conditions are hidden; axes are labelled once per row', () => {
    const o = buildFigureOption(data(), spec({ panels: ['train/p_only/acc', 'train/loss'] }), { mode: 'interactive', width: 1200, height: 500, hidden: ['S'] });
    expect(o['legend']).toEqual({ show: false, data: ['L-S', 'S'], selected: { S: false } });
    const x = o['xAxis'] as (Axis & { show?: boolean; axisLabel: { show?: boolean } })[];
    // Panels (0, 2) leave their x axis to their strips (1, 3), which are labelled.
    expect(x.map((a) => a.show !== false)).toEqual([false, true, false, true]);
    expect(x.filter((a) => a.show !== false).every((a) => a.axisLabel.show !== false)).toBe(true);
    // η's values are labelled in the first column only, where its name is.
    const eta = (o['yAxis'] as (Axis & { name?: string; axisLabel: { show?: boolean }; splitNumber?: number; position?: string })[]).filter((a) => a.splitNumber === 2 && a.position !== 'right');
    expect(eta.map((a) => [a.name, a.axisLabel.show !== false])).toEqual([
      ['η', true],
      ['', false],
    ]);
    // An export draws its own legend and every axis.
    const e = buildFigureOption(data(), spec(), { mode: 'export', width: 486, height: 300 });
    expect((e['legend'] as { show: boolean }).show).toBe(true);
    expect((e['xAxis'] as { show?: boolean }[]).every((a) => a.show !== false)).toBe(true);
  });

  it('exports keep one line series per run and the stacked band edges (the CSV reads them)', () => {
    const o = buildFigureOption(data(), spec({ smoothing: 0.5 }), { mode: 'export', width: 486, height: 300 });
    const series = o['series'] as Series[];
    expect(series.filter((s) => s.id.startsWith('band:'))).toHaveLength(8);
    expect(series.filter((s) => s.id.startsWith('seed:'))).toHaveLength(8);
    expect(series.every((s) => s.type === 'line')).toBe(true);
  });
});
