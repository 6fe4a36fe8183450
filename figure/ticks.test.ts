import { describe, expect, it } from 'vitest';
import { figureSpec } from './testSpec';
import { logTicks, niceTicks, yNameGap } from './ticks';
import { buildFigureOption } from './option';
import type { FigureData, FigureSpec } from '@api/schemas';

describe('axis ticks and room for them', () => {
  it('nice linear ticks inside the range', () => {
    expect(niceTicks(0.55, 0.7)).toEqual([0.55, 0.6, 0.65, 0.7]);
    expect(niceTicks(0, 1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  it('a log axis over a narrow range is labelled at round values, not at powers of an odd base', () => {
    expect(logTicks(0.55, 0.7)).toEqual([0.55, 0.6, 0.65, 0.7]);
    // One to two decades: 1-2-5.
    expect(logTicks(0.004, 0.1)).toEqual([0.005, 0.01, 0.02, 0.05, 0.1]);
    // Two decades or more: ECharts' own powers of ten.
    expect(logTicks(1e-4, 1)).toBeNull();
    expect(logTicks(0, 1)).toBeNull();
  });

  it('the y title clears the widest tick label', () => {
    // "0.0425" (6 characters) at 9 px ≈ 32 px of label, + 8 px margin, + 7.5 px half title line.
    expect(yNameGap([0.04, 0.0425], 9, 10)).toBeCloseTo(6 * 9 * 0.6 + 8 + 7.5, 6);
    expect(yNameGap([1, 2], 9, 10)).toBeLessThan(yNameGap([1000.5, 2], 9, 10));
  });
});

/** Three conditions on one panel, values between 0.55 and 0.7 (a loss near log 2). */
function data(): FigureData {
  const x = [0, 1, 2, 3];
  const curve = (group: string, ys: number[]) => ({ group, n: 2, x, mean: ys, lo: ys.map((y) => y - 0.01), hi: ys.map((y) => y + 0.01), runs: [] });
  return {
    panels: [{ key: 'train/loss', label: 'Train loss', curves: [curve('A', [0.69, 0.65, 0.6, 0.56]), curve('B', [0.69, 0.68, 0.66, 0.62])] }],
    groups: [
      { name: 'A', color: '#0072B2', n: 2, collapsed: 0, annealAt: null },
      { name: 'B', color: '#D55E00', n: 2, collapsed: 0, annealAt: null },
    ],
    schedule: null,
    xLabel: 'epoch',
    runs: [],
    notes: [],
  } as unknown as FigureData;
}
const spec = (patch: Partial<FigureSpec> = {}): FigureSpec => figureSpec({ logY: true, schedule: false, ...patch });

describe('figure option builder: axes', () => {
  it('a log y over 0.55–0.7 is labelled at round values, its title clear of them; the x title is the data’s unit', () => {
    const o = buildFigureOption(data(), spec(), { mode: 'export', width: 234, height: 156 });
    const y = (o['yAxis'] as Record<string, unknown>[])[0] as { type: string; axisLabel: { customValues?: number[] }; nameGap: number; min: number; max: number };
    expect(y.type).toBe('log');
    expect(y.axisLabel.customValues).toEqual(niceTicks(y.min, y.max));
    expect(y.axisLabel.customValues?.every((v) => v >= y.min && v <= y.max)).toBe(true);
    expect(y.nameGap).toBeGreaterThanOrEqual(yNameGap(y.axisLabel.customValues ?? [], 8 * 0.9, 8) - 1e-9);
    // The grid leaves room left of the axis for the labels and the title.
    const grid = (o['grid'] as { left: number }[])[0];
    expect(grid?.left).toBeGreaterThanOrEqual(y.nameGap + 8);
    const x = (o['xAxis'] as { name: string }[])[0];
    expect(x?.name).toBe('epoch');
  });

  it('a linear y reserves room for its widest label too', () => {
    const o = buildFigureOption(data(), spec({ logY: false }), { mode: 'export', width: 234, height: 156 });
    const y = (o['yAxis'] as { nameGap: number; axisLabel: { customValues?: number[] } }[])[0];
    expect(y?.axisLabel.customValues).toBeUndefined();
    expect(y?.nameGap).toBeGreaterThan(8 + 6);
  });
});
