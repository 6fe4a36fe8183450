import { describe, expect, it } from 'vitest';
import type { CurveBuffer } from './curves';
import { appendValues, buildCurvesDataUpdate, buildCurvesOption, buildEventsUpdate, groupMetricKeys, sortMetricKeys } from './curves';
import { buildScheduleOption } from './schedule';
import { lightTheme, themeFromStyle, wireToNumber } from './theme';

const t = lightTheme;

describe('schedule preview option', () => {
  it('draws lr as a step line with the anneal marked, and noise on a second axis only when present', () => {
    const o = buildScheduleOption({ xUnit: 'step', x: [0, 10, 20], lr: [0.1, 0.1, 0.01], noise: [0, 0, 0], annealAt: 10, note: null }, t) as {
      series: { id: string; data: unknown[]; markLine?: { data: { xAxis: number }[] } }[];
      yAxis: unknown[];
    };
    expect(o.series.map((s) => s.id)).toEqual(['lr']);
    expect(o.series[0]?.data).toEqual([[0, 0.1], [10, 0.1], [20, 0.01]]);
    expect(o.series[0]?.markLine?.data[0]?.xAxis).toBe(10);
    expect(o.yAxis).toHaveLength(1);
    const n = buildScheduleOption({ xUnit: 'epoch', x: [0, 1], lr: [0.01, 0.01], noise: [0.1, 0], annealAt: null, note: null }, t) as {
      series: { id: string; markLine?: unknown }[];
      xAxis: { name: string };
    };
    expect(n.series.map((s) => s.id)).toEqual(['lr', 'noise']);
    expect(n.series[0]?.markLine).toBeUndefined();
    expect(n.xAxis.name).toBe('epoch');
  });

  it('puts the learning rate on a true log axis on request', () => {
    const p = { xUnit: 'step' as const, x: [0, 10], lr: [0.1, 0.004], noise: [0, 0], annealAt: 10, note: null };
    const lin = buildScheduleOption(p, t) as { yAxis: { type: string }[] };
    const log = buildScheduleOption(p, t, { logY: true }) as { yAxis: { type: string }[] };
    expect(lin.yAxis[0]?.type).toBe('value');
    expect(log.yAxis[0]?.type).toBe('log');
  });
});

describe('live curves', () => {
  it('groups metric keys into panels by their last segment', () => {
    expect(groupMetricKeys(['lr', 'norm/V', 'test/all/acc', 'train/loss', 'test/err', 'test/loss'])).toEqual([
      { id: 'loss', title: 'loss', keys: ['test/loss', 'train/loss'] },
      { id: 'acc', title: 'acc', keys: ['test/all/acc'] },
      { id: 'err', title: 'err', keys: ['test/err'] },
      { id: 'V', title: 'V', keys: ['norm/V'] },
      { id: 'lr', title: 'lr', keys: ['lr'] },
    ]);
    expect(sortMetricKeys(['lr', 'test/acc', 'train/loss'])).toEqual(['train/loss', 'test/acc', 'lr']);
  });

  it('appends only newer steps, replaces a repeated step, and reports new keys', () => {
    const b = new Map<string, CurveBuffer>();
    expect(appendValues(b, 0, { 'train/loss': 0.7 })).toEqual({ added: true, newKeys: ['train/loss'] });
    expect(appendValues(b, 0, { 'train/loss': 0.7 })).toEqual({ added: false, newKeys: [] });
    expect(appendValues(b, 50, { 'train/loss': 0.5, 'test/loss': null })).toEqual({ added: true, newKeys: ['test/loss'] });
    expect(appendValues(b, 40, { 'train/loss': 0.6 }).added).toBe(false);
    expect(appendValues(b, 50, { 'train/loss': 0.45 }).added).toBe(true);
    expect(b.get('train/loss')?.points).toEqual([{ step: 0, value: 0.7 }, { step: 50, value: 0.45 }]);
  });

  it('puts events on the first series as markLines, and updates carry only data or marks', () => {
    const panel = { id: 'loss', title: 'loss', keys: ['test/loss', 'train/loss'] };
    const b = new Map<string, CurveBuffer>([['train/loss', { key: 'train/loss', points: [{ step: 0, value: 1 }] }]]);
    const events = [
      { kind: 'anneal', step: 300, message: 'η1 → η2' },
      { kind: 'checkpoint', step: 400, message: 'saved' },
      { kind: 'divergence', step: 500, message: 'NaN' },
    ];
    const full = buildCurvesOption(panel, b, events, t, { totalSteps: 1000 }) as {
      series: { id: string; data: unknown[]; markLine?: { data: { xAxis: number }[] } }[];
      xAxis: { max: number };
    };
    expect(full.xAxis.max).toBe(1000);
    expect(full.series[0]?.markLine?.data.map((d) => d.xAxis)).toEqual([300, 500]);
    expect(full.series[1]?.markLine).toBeUndefined();
    expect(full.series[1]?.data).toEqual([[0, 1]]);
    const upd = buildCurvesDataUpdate(panel, b);
    expect(Object.keys(upd)).toEqual(['series']);
    expect(upd.series).toEqual([{ id: 'test/loss', data: [] }, { id: 'train/loss', data: [[0, 1]] }]);
    const ev = buildEventsUpdate(panel, events, t);
    expect(ev.series).toHaveLength(1);
    expect(Object.keys(ev.series[0] ?? {})).toEqual(['id', 'markLine']);
  });
});

describe('chart helpers', () => {
  it('maps wire numbers and reads theme variables', () => {
    expect(wireToNumber('Infinity')).toBeNull();
    expect(wireToNumber(2)).toBe(2);
    const th = themeFromStyle({ getPropertyValue: (n: string) => (n === '--fg' ? ' #eee ' : n === '--is-dark' ? '1' : '') });
    expect(th.fg).toBe('#eee');
    expect(th.palette[0]).toBe('#58a6ff');
  });
});
