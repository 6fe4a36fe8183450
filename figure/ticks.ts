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

/** About `target` evenly spaced nice values within [lo, hi] (linear steps). */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, target - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = (NICE.find((n) => n * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toFixed(digits)));
  return out;
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
