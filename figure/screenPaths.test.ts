import { describe, expect, it } from 'vitest';
import * as echarts from 'echarts/core';
import { CURVES_SHAPE, projectionOf, registerCurveShape, traceCurves, type CurveSource, type PathSink, type Projection } from './screenPaths';

function record(src: CurveSource, p: Projection): string[] {
  const out: string[] = [];
  const sink: PathSink = { moveTo: (x, y) => out.push(`M${x},${y}`), lineTo: (x, y) => out.push(`L${x},${y}`), closePath: () => out.push('Z') };
  traceCurves(sink, src, p);
  return out;
}

describe('curves drawn from their arrays', () => {
  it('projects like the axes: linear, and linear in the logarithm on a log axis', () => {
    // A plot 100 px wide from x = 0 (px 50) to 1000 (px 150); y from 0 (px 300) up to 1 (px 100).
    const lin = projectionOf(([x, y]) => [50 + x / 10, 300 - 200 * y], false, false, { x: 50, y: 100, width: 100, height: 200 });
    [50, 0.1, 300, -200].forEach((v, i) => expect([lin.ax, lin.bx, lin.ay, lin.by][i]).toBeCloseTo(v, 9));
    // Log y over [0.01, 1] on 200 px: 100 px a decade.
    const log = projectionOf(([x, y]) => [50 + x / 10, 300 - 100 * (Math.log10(y) + 2)], false, true, { x: 50, y: 100, width: 100, height: 200 });
    const pts = record({ kind: 'lines', lines: [{ x: [0, 500, 1000], y: [0.01, 0.1, 1] }] }, log).map((s) => s.slice(1).split(',').map(Number));
    [[50, 300], [100, 200], [150, 100]].forEach(([x, y], k) => {
      expect(pts[k]?.[0]).toBeCloseTo(x as number, 9);
      expect(pts[k]?.[1]).toBeCloseTo(y as number, 9);
    });
  });

  it('breaks a line at a missing point, and on a log axis at a value it cannot show (≤ 0)', () => {
    const id: Projection = { ax: 0, bx: 1, ay: 0, by: 1, logX: false, logY: false, left: -Infinity, right: Infinity, top: -Infinity, bottom: Infinity };
    expect(record({ kind: 'lines', lines: [{ x: [1, 2, 3, 4], y: [1, null, 3, 4] }] }, id)).toEqual(['M1,1', 'M3,3', 'L4,4']);
    const logY = { ...id, logY: true };
    expect(record({ kind: 'lines', lines: [{ x: [1, 2, 3], y: [10, 0, 100] }] }, logY)).toEqual(['M1,1', 'M3,2']);
  });

  it('draws only what the window shows, and one point beyond each edge, so lines reach the frame', () => {
    const x = Array.from({ length: 101 }, (_, k) => k * 10);
    const y = x.map((v) => v / 1000);
    const p: Projection = { ax: 0, bx: 1, ay: 0, by: 1, logX: false, logY: false, left: 255, right: 305, top: 0, bottom: 1 };
    const drawn = record({ kind: 'lines', lines: [{ x, y }] }, p).map((s) => Number(s.slice(1).split(',')[0]));
    expect(drawn).toEqual([250, 260, 270, 280, 290, 300, 310]);
  });

  it('a band is one polygon per stretch: the upper edge forward, the lower edge back', () => {
    const id: Projection = { ax: 0, bx: 1, ay: 0, by: 1, logX: false, logY: false, left: -Infinity, right: Infinity, top: -Infinity, bottom: Infinity };
    const band = { x: [0, 1, 2, 3, 4], lo: [0, 1, null, 3, 4], hi: [1, 2, null, 4, 5], runs: [[0, 2], [3, 5]] as [number, number][] };
    expect(record({ kind: 'band', band }, id)).toEqual(['M0,1', 'L1,2', 'L1,1', 'L0,0', 'Z', 'M3,4', 'L4,5', 'L4,4', 'L3,3', 'Z']);
  });

  it('an anneal marker is a vertical line across the plot, drawn only where the window shows its x', () => {
    const p = projectionOf(([x, y]) => [50 + x / 10, 300 - 200 * y], false, false, { x: 50, y: 100, width: 100, height: 200 });
    const at = (x: number) => record({ kind: 'vline', x }, p).map((s) => s.slice(1).split(',').map((v) => Math.round(Number(v))).join(','));
    expect(at(500)).toEqual(['100,100', '100,300']);
    expect(at(2000)).toEqual([]);
  });

  it('registers its shape with ECharts, which builds the path from the shape', () => {
    registerCurveShape();
    registerCurveShape(); // once is enough; twice does no harm
    const Shape = echarts.graphic.getShapeClass(CURVES_SHAPE) as unknown as new (o: unknown) => { buildPath(ctx: PathSink, shape: unknown): void; shape: unknown };
    expect(Shape).toBeTypeOf('function');
    const src: CurveSource = { kind: 'lines', lines: [{ x: [0, 1], y: [2, 3] }] };
    const proj: Projection = { ax: 0, bx: 1, ay: 0, by: 1, logX: false, logY: false, left: -Infinity, right: Infinity, top: -Infinity, bottom: Infinity };
    const el = new Shape({ shape: { src, proj } });
    const out: string[] = [];
    el.buildPath({ moveTo: (x, y) => out.push(`M${x},${y}`), lineTo: (x, y) => out.push(`L${x},${y}`), closePath: () => out.push('Z') }, el.shape);
    expect(out).toEqual(['M0,2', 'L1,3']);
  });
});
