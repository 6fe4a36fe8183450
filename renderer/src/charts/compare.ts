/** A modest comparison chart: one metric, one line per selected run. */
import type { Series } from '@api/index';
import type { ChartTheme } from './theme';
import { axisStyle, wireToNumber } from './theme';

export function buildCompareOption(
  series: readonly Series[],
  labelOf: (runId: string) => string,
  t: ChartTheme,
  opts: { logY?: boolean } = {},
): Record<string, unknown> {
  return {
    animation: false,
    color: t.palette,
    textStyle: { color: t.fg },
    grid: { left: 56, right: 16, top: 48, bottom: 72 },
    legend: { top: 0, type: 'scroll', textStyle: { color: t.fg } },
    tooltip: { trigger: 'axis' },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 6 }],
    xAxis: { type: 'value', name: 'iteration', nameLocation: 'middle', nameGap: 24, ...axisStyle(t) },
    yAxis: { type: opts.logY ? 'log' : 'value', scale: true, name: series[0]?.key ?? '', ...axisStyle(t) },
    series: series.map((s) => ({
      id: `${s.runId}:${s.key}`,
      name: labelOf(s.runId),
      type: 'line',
      showSymbol: false,
      data: s.steps.map((x, i) => [x, wireToNumber(s.values[i] ?? 'NaN')]),
    })),
  };
}
