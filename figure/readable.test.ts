import { describe, expect, it } from 'vitest';
import { figureData, figureSpec } from './testSpec';
import type { FigureData, FigureSpec } from '@api/schemas';
import { buildFigureOption } from './option';
import { nearestIndex, stepValueAt, xAtPixel, textWidth, tooltipFormatter, wrapTitle } from './readable';
import { sigFormat } from './format';

/** Two panels, two conditions, a schedule with an anneal at x = 2 and noise for B. */
function data(): FigureData {
  const x = [0, 1, 2, 3];
  const curve = (group: string, ys: number[]) => ({ group, n: 2, x, mean: ys, lo: ys.map((y) => y - 0.3), hi: ys.map((y) => y + 0.01), nAt: x.map(() => 2), runs: [] });
  return figureData({
    panels: [
      { key: 'val/patch_only/acc', label: 'patch-only validation accuracy', curves: [curve('A', [0.5, 0.6, 0.7, 0.8]), curve('B', [0.5, 0.55, 0.6, 0.65])], shownPoints: 8, storedPoints: 8 },
      { key: 'train/loss', label: 'training loss', curves: [curve('A', [0.7, 0.5, 0.3, 0.2]), curve('B', [0.7, 0.6, 0.5, 0.4])], shownPoints: 8, storedPoints: 8 },
    ],
    groups: [
      { name: 'A', color: '#0072B2', n: 2, collapsed: 0, annealAt: 2 },
      { name: 'B', color: '#D55E00', n: 2, collapsed: 0, annealAt: null },
    ],
    schedule: [
      { group: 'A', x: [0, 1, 2, 3], lr: [0.1, 0.1, 0.004, 0.004], noise: [0, 0, 0, 0] },
      { group: 'B', x: [0, 1, 2, 3], lr: [0.004, 0.004, 0.004, 0.004], noise: [0.4, 0.4, 4e-6, 4e-6] },
    ],
    xLabel: 'epoch',
  });
}
const spec = (patch: Partial<FigureSpec> = {}): FigureSpec =>
  figureSpec({ runs: ['a'], panels: ['val/patch_only/acc', 'train/loss'], layout: 'grid', excludeCollapsed: true, compare: null, range: undefined, style: { aspect: 1.6 }, ...patch });

type Axis = { name?: string; gridIndex?: number; nameRotate?: number; axisLine?: { onZero?: boolean } };
type Grid = { height: number; top: number };

describe('readable figures', () => {
  it('wraps a title at spaces into balanced lines, at most three; a title that fits is left alone', () => {
    expect(wrapTitle('training loss', 1000, 8)).toBe('training loss');
    expect(wrapTitle('patch-only validation accuracy', 80, 8)).toBe('patch-only\nvalidation accuracy');
    expect(wrapTitle('a b c d e f g h', 5, 8).split('\n')).toHaveLength(3);
    expect(wrapTitle('unbreakable', 1, 8)).toBe('unbreakable');
  });

  it('reads a step schedule at x: the last point at or before it', () => {
    expect(stepValueAt([0, 10, 20], [1, 2, 3], 15)).toBe(2);
    expect(stepValueAt([0, 10, 20], [1, 2, 3], 10)).toBe(2);
    expect(stepValueAt([0, 10, 20], [1, 2, 3], 99)).toBe(3);
    expect(stepValueAt([0, 10, 20], [1, 2, 3], -1)).toBeNull();
  });

  it('a single-column export wraps each y title to fit its panel, keeps x axes at the bottom, and draws η and σ upright', () => {
    const o = buildFigureOption(data(), spec(), { mode: 'export', width: 234, height: 300 });
    const grids = o['grid'] as Grid[];
    const ys = o['yAxis'] as Axis[];
    const titled = ys.filter((y) => y.name && y.name !== 'η' && y.name !== 'σ');
    expect(titled.length).toBe(2);
    for (const y of titled) {
      const h = grids[y.gridIndex ?? 0]?.height ?? 0;
      for (const line of (y.name as string).split('\n')) expect(textWidth(line, 8)).toBeLessThanOrEqual(h * 1.05 + 8 * 5);
    }
    expect(titled.some((y) => (y.name as string).includes('\n'))).toBe(true);
    expect((o['xAxis'] as Axis[]).every((x) => x.axisLine?.onZero === false)).toBe(true);
    expect(ys.filter((y) => y.name === 'η' || y.name === 'σ').every((y) => y.nameRotate === 0)).toBe(true);
  });

  it('overlay: the y title is "value" and a key says which dash is which metric', () => {
    const o = buildFigureOption(data(), spec({ layout: 'overlay' }), { mode: 'export', width: 486, height: 300 });
    const main = (o['yAxis'] as Axis[])[0];
    expect(main?.name).toBe('value');
    const titles = o['title'] as { text: string }[];
    expect(titles.map((t) => t.text)).toContain('—— patch-only validation accuracy    – – training loss');
  });

  it('nearestIndex finds the nearest x (the earlier on a tie), -1 in an empty array', () => {
    expect(nearestIndex([], 3)).toBe(-1);
    expect(nearestIndex([0, 10, 20], -5)).toBe(0);
    expect(nearestIndex([0, 10, 20], 14)).toBe(1);
    expect(nearestIndex([0, 10, 20], 15)).toBe(1);
    expect(nearestIndex([0, 10, 20], 16)).toBe(2);
    expect(nearestIndex([0, 10, 20], 99)).toBe(2);
  });

  it('xAtPixel maps a pixel through the panel whose x span holds it and which lies nearest vertically (log x too)', () => {
    const p = (left: number, top: number, logX = false) => ({ ax: left, bx: 10, ay: 0, by: 1, logX, logY: false, left, right: left + 100, top, bottom: top + 50 });
    const grids = [p(0, 0), p(200, 0, true), p(0, 200)];
    expect(xAtPixel(grids, 30, 20)).toBe(3);
    expect(xAtPixel(grids, 30, 120)).toBe(3); // below the first panel (its strip), nearer it than the second row
    expect(xAtPixel(grids, 220, 20)).toBeCloseTo(100);
    expect(xAtPixel(grids, 150, 20)).toBeNull();
  });

  it('the tooltip leaves out conditions whose mean is hidden (not among the params)', () => {
    const html = tooltipFormatter(data(), spec())([{ seriesId: 'mean:train/loss:B', axisValue: 2.9, value: [0, 4, 0, 1] }]);
    expect(html).toContain('<b>epoch 3</b>');
    const rows = html.split('<tr>').slice(2);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/B<\/td><td[^>]*>0\.4<\/td>/);
  });

  it('the tooltip is one table: each condition’s mean per panel at the hovered x, and its η and σ there', () => {
    const d = data();
    const f = tooltipFormatter(d, spec());
    const params = [
      // The means are single custom items on screen: the values come from the data's arrays at the hovered x.
      { seriesId: 'mean:val/patch_only/acc:A', axisValue: 2.2, value: [0, 4, 0, 1] },
      { seriesId: 'mean:val/patch_only/acc:B', axisValue: 2.2, value: [0, 4, 0, 1] },
      { seriesId: 'mean:train/loss:A', axisValue: 2.2, value: [0, 4, 0, 1] },
      { seriesId: 'mean:train/loss:B', axisValue: 2.2, value: [0, 4, 0, 1] },
      { seriesId: 'lr:val/patch_only/acc:A', axisValue: 2.2, value: [1, 0.1] }, // the strip's nearest point: not what is shown
    ];
    const html = f(params);
    expect(html).toContain('<b>epoch 2</b>');
    const rows = html.split('<tr>').slice(2);
    expect(rows).toHaveLength(2);
    // A: 0.7, 0.3, η after the anneal (0.004), σ 0.
    expect(rows[0]).toMatch(/A<\/td><td[^>]*>0\.7<\/td><td[^>]*>0\.3<\/td><td[^>]*>0\.004<\/td><td[^>]*>0<\/td>/);
    expect(rows[1]).toContain(`>${sigFormat(4e-6, 3)}<`);
    expect(sigFormat(4e-6, 3)).toBe('4e-6');
    expect(html.match(/<th/g)?.length).toBe(5); // blank, two panels, η, σ
  });
});
