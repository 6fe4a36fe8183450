/** The designer's schedule preview: learning rate and noise level over steps or epochs. */
import type { SchedulePreview } from '@api/index';
import type { ChartTheme } from './theme';
import { axisStyle } from './theme';

/** With `logY`, the learning rate on a true log axis (η 0.004 after an anneal from 0.1 does not look like 0). */
export function buildScheduleOption(p: SchedulePreview, t: ChartTheme, opts: { logY?: boolean } = {}): Record<string, unknown> {
  const xName = p.xUnit === 'epoch' ? 'epoch' : 'iteration';
  const hasNoise = p.noise.some((v) => v !== 0);
  const lr = p.x.map((x, i) => [x, p.lr[i] ?? null]);
  const noise = p.x.map((x, i) => [x, p.noise[i] ?? null]);
  const markLine =
    p.annealAt === null
      ? undefined
      : {
          silent: true,
          symbol: 'none',
          lineStyle: { color: t.warn, type: 'dashed' },
          label: { formatter: 'anneal', color: t.warn, position: 'insideEndTop' },
          data: [{ xAxis: p.annealAt }],
        };
  return {
    animation: false,
    color: [t.accent, t.palette[1] ?? t.warn],
    textStyle: { color: t.fg },
    grid: { left: 56, right: hasNoise ? 56 : 16, top: 36, bottom: 36 },
    legend: { top: 0, textStyle: { color: t.fg }, data: hasNoise ? ['learning rate', 'noise'] : ['learning rate'] },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', name: xName, nameLocation: 'middle', nameGap: 24, ...axisStyle(t) },
    yAxis: [
      opts.logY ? { type: 'log', name: 'lr (log)', ...axisStyle(t) } : { type: 'value', name: 'lr', scale: false, ...axisStyle(t) },
      ...(hasNoise ? [{ type: 'value', name: 'noise', position: 'right', ...axisStyle(t), splitLine: { show: false } }] : []),
    ],
    series: [
      { id: 'lr', name: 'learning rate', type: 'line', step: 'end', showSymbol: false, data: lr, ...(markLine ? { markLine } : {}) },
      ...(hasNoise ? [{ id: 'noise', name: 'noise', type: 'line', step: 'end', showSymbol: false, yAxisIndex: 1, data: noise }] : []),
    ],
  };
}
