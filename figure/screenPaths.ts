/**
 * Faint curves and bands on screen, drawn straight from their data arrays.
 *
 * A zoom or pan frame re-runs ECharts' whole update. For a line series that means, per point:
 * storing it in ECharts' data store, projecting it into a new typed array, and recording every
 * segment of its path into a command list (then replaying the list to the canvas). With 10 runs
 * × 3 panels the faint per-run curves alone are ~17 000 points and took about half of a frame.
 * Here a custom series holds ONE data item per drawn series, and its graphic (`CURVES_SHAPE`,
 * registered by `registerCurveShape`) keeps a reference to the arrays and the axes' current
 * projection; when painted it walks the points inside the zoom window and hands each one to the
 * canvas directly (silent: no hit-testing, so nothing is recorded). The means are drawn the same
 * way (one custom series each, figure/option.ts); the axis tooltip looks them up in the arrays at
 * the pointer's x (figure/readable.ts).
 *
 * Only the interactive chart uses this; exports draw line series (figure/option.ts), so an
 * exported figure does not depend on it.
 */
import { graphic } from 'echarts/core';

/** The name the custom series' graphics use (registered with ECharts by registerCurveShape). */
export const CURVES_SHAPE = 'lrlabCurves';

/** A polyline: its points in x order; a missing y (null, non-finite, or ≤ 0 on a log axis) breaks it. */
export interface CurveLine {
  readonly x: readonly number[];
  readonly y: readonly (number | null)[];
}
/** A band: the area between lo and hi over each [start, end) stretch where both are numbers. */
export interface CurveBand {
  readonly x: readonly number[];
  readonly lo: readonly (number | null)[];
  readonly hi: readonly (number | null)[];
  readonly runs: readonly (readonly [number, number])[];
}
/** What one graphic draws: polylines, a band, or a vertical line across the plot at x (an anneal marker). */
export type CurveSource =
  | { readonly kind: 'lines'; readonly lines: readonly CurveLine[] }
  | { readonly kind: 'band'; readonly band: CurveBand }
  | { readonly kind: 'vline'; readonly x: number };
/** A source and how it is painted (a zrender style: stroke, fill, lineWidth, lineDash). */
export interface Layer {
  readonly src: CurveSource;
  readonly style: Record<string, unknown>;
}

/**
 * The axes' mapping at this frame: pixel = a + b · v, with v the value, or its log10 on a log
 * axis (ECharts maps a log axis linearly in the logarithm, whatever its base); [left, right]
 * is the plot's pixel span: points outside it are skipped, but for one beyond each edge;
 * [top, bottom] its pixel height (a vertical line spans it).
 */
export interface Projection {
  readonly ax: number;
  readonly bx: number;
  readonly ay: number;
  readonly by: number;
  readonly logX: boolean;
  readonly logY: boolean;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** The calls a path needs (a canvas context or zrender's path proxy). */
export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
}

/** The first index in [a, b) whose pixel x (increasing with the index) is at or after `at`; b if none. */
export function firstAtOrAfter(px: (k: number) => number, a: number, b: number, at: number): number {
  let lo = a;
  let hi = b;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (px(mid) < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The projection of a cartesian grid from two points of each axis (`coord` is ECharts' api.coord:
 * data → pixel; `rect` the plot's pixel rectangle, none: unbounded). Two reference values per
 * axis: 0 and 1, or 1 and 10 on a log axis.
 */
export function projectionOf(
  coord: (v: [number, number]) => number[],
  logX: boolean,
  logY: boolean,
  rect: { x: number; y: number; width: number; height: number } | null,
): Projection {
  const [x0, x1] = logX ? [1, 10] : [0, 1];
  const [y0, y1] = logY ? [1, 10] : [0, 1];
  const p0 = coord([x0, y0]);
  const p1 = coord([x1, y1]);
  const px0 = p0[0] ?? 0;
  const py0 = p0[1] ?? 0;
  const bx = (p1[0] ?? 0) - px0;
  const by = (p1[1] ?? 0) - py0;
  return {
    ax: px0 - bx * (logX ? 0 : x0),
    bx,
    ay: py0 - by * (logY ? 0 : y0),
    by,
    logX,
    logY,
    left: rect ? rect.x : -Infinity,
    right: rect ? rect.x + rect.width : Infinity,
    top: rect ? rect.y : -Infinity,
    bottom: rect ? rect.y + rect.height : Infinity,
  };
}

/** Pixel x of a value, NaN where the axis cannot show it (≤ 0 on a log axis). */
const pxOf = (p: Projection, v: number): number => p.ax + p.bx * (p.logX ? (v > 0 ? Math.log10(v) : NaN) : v);
const pyOf = (p: Projection, v: number | null | undefined): number =>
  v === null || v === undefined ? NaN : p.ay + p.by * (p.logY ? (v > 0 ? Math.log10(v) : NaN) : v);

/** The index range [a, b) of x within [start, end) that the window shows, one point beyond each edge. */
function visible(x: readonly number[], start: number, end: number, p: Projection): [number, number] {
  const px = (k: number): number => pxOf(p, x[k] as number);
  const a = Math.max(start, firstAtOrAfter(px, start, end, p.left) - 1);
  const b = Math.min(end, firstAtOrAfter(px, start, end, p.right) + 1);
  return [a, b];
}

/** Traces the source's polylines, band polygons or vertical line into `ctx` with projection `p`. */
export function traceCurves(ctx: PathSink, src: CurveSource, p: Projection): void {
  if (src.kind === 'vline') {
    const X = pxOf(p, src.x);
    if (X >= p.left && X <= p.right && Number.isFinite(p.top) && Number.isFinite(p.bottom)) {
      ctx.moveTo(X, p.top);
      ctx.lineTo(X, p.bottom);
    }
    return;
  }
  if (src.kind === 'lines') {
    for (const line of src.lines) {
      const [a, b] = visible(line.x, 0, Math.min(line.x.length, line.y.length), p);
      let pen = false;
      for (let k = a; k < b; k++) {
        const X = pxOf(p, line.x[k] as number);
        const Y = pyOf(p, line.y[k]);
        if (!Number.isFinite(X) || !Number.isFinite(Y)) {
          pen = false;
          continue;
        }
        if (pen) ctx.lineTo(X, Y);
        else ctx.moveTo(X, Y);
        pen = true;
      }
    }
    return;
  }
  const { x, lo, hi, runs } = src.band;
  for (const [s, e] of runs) {
    const [a, b] = visible(x, s, e, p);
    if (b - a < 2) continue;
    // The upper edge left to right, then the lower edge back.
    let first = true;
    for (let k = a; k < b; k++) {
      const X = pxOf(p, x[k] as number);
      const Y = pyOf(p, hi[k]);
      if (first) ctx.moveTo(X, Y);
      else ctx.lineTo(X, Y);
      first = false;
    }
    for (let k = b - 1; k >= a; k--) ctx.lineTo(pxOf(p, x[k] as number), pyOf(p, lo[k]));
    ctx.closePath();
  }
}

interface CurvesShape {
  src: CurveSource | null;
  proj: Projection | null;
}

let registered = false;
/** Registers CURVES_SHAPE with ECharts (once; the interactive chart calls it before its first option). */
export function registerCurveShape(): void {
  if (registered) return;
  registered = true;
  const Shape = graphic.extendShape({
    type: CURVES_SHAPE,
    shape: { src: null, proj: null },
    buildPath(ctx: PathSink, shape: CurvesShape) {
      if (shape.src && shape.proj) traceCurves(ctx, shape.src, shape.proj);
    },
  } as unknown as Parameters<typeof graphic.extendShape>[0]);
  graphic.registerShape(CURVES_SHAPE, Shape);
}
