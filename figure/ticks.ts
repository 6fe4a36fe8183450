/**
 * Axis ticks and room for them, computed before ECharts lays the axis out:
 * - `logTicks`: where a log axis over less than ~2 decades puts its labels. ECharts labels a log
 *   axis only at powers of its base, so 0.55–0.7 on base 10 gets no label, and a fractional base
 *   gives labels like 0.5627, 0.5903. Instead: "nice" values (1, 2, 2.5, 5 × 10^k steps) inside
 *   the range, drawn at their true log positions (axisLabel/axisTick `customValues`).
 * - `yNameGap`: how far the rotated y-axis title must sit from the axis so it clears the widest
 *   tick label (the titles overlapped the labels at a fixed gap).
 */
import { sigFormat } from './format';

const NICE = [1, 2, 2.5, 5, 10];

/** The nice step (1, 2, 2.5 or 5 × 10^k) that splits [lo, hi] into about `target` − 1 parts (hi > lo). */
export function niceStep(lo: number, hi: number, target = 5): number {
  const raw = (hi - lo) / Math.max(1, target - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  return (NICE.find((n) => n * mag >= raw) ?? 10) * mag;
}

/** v rounded to the decimals a multiple of `step` needs (no 0.30000000000000004 as a bound). */
const onStep = (v: number, step: number): number => Number(v.toFixed(Math.max(0, -Math.floor(Math.log10(step)) + 2)));

/** About `target` evenly spaced nice values within [lo, hi] (linear steps). */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const step = niceStep(lo, hi, target);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(onStep(v, step));
  return out;
}

/**
 * An x extent [lo, hi] widened to round ends: multiples of the largest 1, 2 or 5 × 10^k that is at
 * most a fiftieth of the span, so the axis' end labels are round numbers (50000, not 49999; 7.6,
 * not 7.56) and at most 2 % of the width is added at each end.
 */
export function roundedExtent(lo: number, hi: number): [number, number] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [lo, hi];
  const raw = (hi - lo) / 50;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const unit = ([1, 2, 5, 10].filter((n) => n * mag <= raw * (1 + 1e-9)).pop() ?? 1) * mag;
  return [onStep(Math.floor(lo / unit + 1e-9) * unit, unit), onStep(Math.ceil(hi / unit - 1e-9) * unit, unit)];
}

/**
 * A linear axis over data in [lo, hi] for a metric that can only take values within `bounds`
 * ([lowest, highest], null: unbounded): the data's extent widened to multiples of a nice step,
 * but never past a bound, so an accuracy panel ends at 1 (not 1.1) and an error panel starts
 * at 0 at most. Values past a bound (a mean + std band over 1) are cut off at it. Null when there
 * are no bounds (ECharts' own nice extent is used) or no data.
 *
 * With the extent comes the label step it rounded to. ECharts, given only min and max, picks its
 * own interval, so [0, 1.25] was labelled 0, 0.3, …, 1.2 and then 1.25 on top of 1.2; with the
 * step the labels are 0, 0.25, …, 1.25. `interval` is left out where the step does not divide the
 * extent (a bound cut it).
 */
export function boundedAxis(lo: number, hi: number, bounds: readonly [number | null, number | null] | undefined): { min: number; max: number; interval?: number } | null {
  if (!bounds || (bounds[0] === null && bounds[1] === null) || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) return null;
  const [b0, b1] = bounds;
  let l = b0 === null ? lo : Math.max(lo, b0);
  let h = b1 === null ? hi : Math.min(hi, b1);
  if (l > h) [l, h] = [h, l];
  if (h - l < 1e-12 * Math.max(1, Math.abs(h))) {
    // A flat line: a little room around it.
    const pad = Math.max(Math.abs(h) * 0.05, 0.01);
    l -= pad;
    h += pad;
  }
  const step = niceStep(l, h, 5);
  let min = onStep(Math.floor(l / step + 1e-9) * step, step);
  let max = onStep(Math.ceil(h / step - 1e-9) * step, step);
  if (b0 !== null) min = Math.max(min, b0);
  if (b1 !== null) max = Math.min(max, b1);
  if (!(max > min)) return null;
  const parts = (max - min) / step;
  return Math.abs(parts - Math.round(parts)) < 1e-6 ? { min, max, interval: step } : { min, max };
}

/**
 * Label positions for a log axis over [lo, hi] (both > 0): null over two decades or more (ECharts'
 * powers of ten are right there); below that, nice linear values inside the range, or for 1–2
 * decades the 1-2-5 series.
 */
export function logTicks(lo: number, hi: number): number[] | null {
  if (!(lo > 0) || !(hi > lo)) return null;
  const decades = Math.log10(hi / lo);
  if (decades >= 2) return null;
  if (decades >= 0.7) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of [1, 2, 5]) {
        const v = Number((m * 10 ** e).toPrecision(6));
        if (v >= lo && v <= hi) out.push(v);
      }
    }
    return out;
  }
  return niceTicks(lo, hi, 5);
}

/** Rough width of a tick label in px (digits and punctuation ≈ 0.6 em in the figure fonts). */
export function labelWidth(text: string, fontPx: number): number {
  return text.length * fontPx * 0.6;
}

/**
 * The y-axis title's distance from the axis line: the widest tick label, ECharts' label margin
 * (8 px) and half the title's own line height, so the two never overlap.
 */
export function yNameGap(ticks: readonly number[], tickFontPx: number, titleFontPx: number, format: (v: number) => string = (v) => sigFormat(v, 3)): number {
  const widest = Math.max(0, ...ticks.map((t) => labelWidth(format(t), tickFontPx)));
  return widest + 8 + titleFontPx * 0.75;
}
