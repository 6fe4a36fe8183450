/** The regime-map layout on a small store: a 2 × 2 grid (data.r × model.width) × L-S, S, S+noise × 3 seeds with made-up curves. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type RunStore } from '../../../storage';
import { seedComparisonRuns, seedRegimeGrid as seedGrid } from './fixtures';
import { firstReach, flatten, pairedT, regimeMapCsv, regimeMapData, regimeMapMarkdown, regimeMapOption, regimeMapSize } from './regime';
import { optionToSvg } from './render';

let dir: string;
let store: RunStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lrlab-regime-'));
  store = openStore(join(dir, 'runs.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('regime map', () => {
  it('helpers: flatten, firstReach, and the paired t-test against scipy', () => {
    expect(flatten({ a: { b: 1, c: [1, 2] }, d: 'x' })).toEqual({ 'a.b': 1, 'a.c': [1, 2], d: 'x' });
    expect(firstReach([0, 50, 100], [0.5, 0.96, 0.99], 0.95)).toBe(50);
    expect(firstReach([0, 50], [0.5, 0.9], 0.95)).toBeNull();
    // scipy.stats.ttest_rel([0.05,0.07,0.06,0.08],[0.01,0.02,0.015,0.02]) → t 11.41803085349784, p 0.0014415607343499584
    const t = pairedT([0.05, 0.07, 0.06, 0.08], [0.01, 0.02, 0.015, 0.02]);
    expect(t.t).toBeCloseTo(11.41803085349784, 8);
    expect(t.p).toBeCloseTo(0.0014415607343499584, 8);
    expect(pairedT([1], [0]).p).toBeNaN();
  });

  it('finds the swept axes and per-cell Q fitted, Q first and the paired gap', () => {
    const ids = seedGrid(store, 'sweep-test');
    const d = regimeMapData(store, ids);
    expect(d.axes.map((a) => a.path)).toEqual(['data.r', 'model.width']);
    expect(d.col?.path).toBe('data.r');
    expect(d.row?.path).toBe('model.width');
    expect(d.others).toEqual([]);
    expect(d.algorithms).toEqual(['L-S', 'S', 'S+noise']);
    expect(d.cells).toHaveLength(4);
    const at = (r: number, m: number) => d.cells.find((c) => c.coords['data.r'] === r && c.coords['model.width'] === m)!;
    const big = at(1, 256);
    expect(big.by['S']).toMatchObject({ n: 3, fitted: 3, fittedFirst: 3 });
    expect(big.by['L-S']).toMatchObject({ n: 3, fitted: 3, fittedFirst: 0 });
    expect(big.gap!.n).toBe(3);
    expect(big.gap!.positive).toBe(3);
    expect(big.gap!.mean).toBeCloseTo(0.05 + 0.001 * 2, 10);
    expect(big.gap!.p).toBeLessThan(0.05);
    const small = at(0.0442, 64);
    expect(small.by['S']).toMatchObject({ fitted: 0, fittedFirst: 0 });
    expect(small.gap!.p).toBeGreaterThan(0.05);
    expect(d.notes).toEqual([]);
  });

  it('draws one heatmap per quantity with significant cells marked, and writes CSV and Markdown', () => {
    const d = regimeMapData(store, seedGrid(store, 't'));
    const option = regimeMapOption(d);
    // Gap + (Q fitted, Q first) per algorithm = 7 panels, each a heatmap with its own colour scale.
    expect((option['series'] as unknown[]).length).toBe(7);
    expect((option['visualMap'] as unknown[]).length).toBe(7);
    const svg = optionToSvg(option, regimeMapSize(d));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Q before P (S+noise)');
    expect(svg).toContain('+0.052*'); // r = 1 cells: significant
    expect(svg).not.toMatch(/[+-]0\.00[0-9]\*/); // r = 0.0442 cells: not marked
    expect(svg).toContain('3/3');
    expect(svg).toContain('0/3');
    const csv = regimeMapCsv(d).trim().split('\n');
    expect(csv[0]).toBe('data.r,model.width,algorithm,runs,p_only_err_mean,p_only_err_std,q_fitted,q_first,collapsed,gap_s_minus_ls,gap_p,gap_pairs');
    expect(csv).toHaveLength(1 + 4 * 3);
    expect(csv.find((l) => l.startsWith('1,256,S,'))).toMatch(/^1,256,S,3,[0-9.]+,[0-9.e-]+,3,3,0,0\.052/);
    const md = regimeMapMarkdown(d);
    expect(md).toContain('| data.r | model.width | L-S P-only err');
    expect(md.split('\n').filter((l) => l.startsWith('| 1 |'))).toHaveLength(2);
  });

  it('a cell without runs is drawn empty, and runs it cannot map are a clear error', () => {
    const ids = seedGrid(store, 't');
    // Drop the S runs of one cell: its gap and S panels are empty there.
    const keep = ids.filter((id) => !/^S r1 m64 /.test(store.getRun(id).name));
    const d = regimeMapData(store, keep);
    const c = d.cells.find((x) => x.coords['data.r'] === 1 && x.coords['model.width'] === 64)!;
    expect(c.by['S']).toBeUndefined();
    expect(c.gap).toBeNull();
    const svg = optionToSvg(regimeMapOption(d), regimeMapSize(d));
    expect(svg).toContain('—');
    const image = seedComparisonRuns(store, { presets: ['patch-fmnist-small-lr'], seeds: [1], points: 5, keys: ['val/clean/acc'] });
    expect(() => regimeMapData(store, [...ids, ...image])).toThrow(/maps synthetic runs.*is image/);
    expect(() => regimeMapData(store, [])).toThrow(/needs the runs of a sweep/);
  });
});
