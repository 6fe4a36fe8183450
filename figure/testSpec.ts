/**
 * A whole figure spec for the figure/ unit tests, which may not import the api's schema (and its
 * defaults) as a value: the usual values, with a test's own on top (`style` merged field by field).
 */
import type { FigureData, FigureSpec } from '@api/schemas';

const BASE = {
  runs: [],
  panels: ['train/loss'],
  x: 'epoch',
  logX: false,
  logY: false,
  band: 'std',
  smoothing: 0,
  showSeeds: false,
  schedule: true,
  scheduleLog: false,
  layout: 'panels',
  exclude: [],
  excludeCollapsed: false,
  groupBy: 'condition',
  range: null,
  summaryAt: null,
  style: { widthIn: 3.25, aspect: 1.5, fontFamily: 'DejaVu Sans', fontSizePt: 8, lineWidthPt: 1, legend: 'top', title: '', yLabels: {}, palette: 'okabe-ito' },
};

export function figureSpec(patch: Record<string, unknown> = {}): FigureSpec {
  const style = { ...BASE.style, ...(patch.style as Record<string, unknown> | undefined) };
  return { ...BASE, ...patch, style } as unknown as FigureSpec;
}

/** Figure data for the figure/ unit tests: the test's panels, groups, schedule and x label; no runs, notes or summary. */
export function figureData(parts: Record<string, unknown>): FigureData {
  return { runs: [], notes: [], summary: { rows: [], tests: [], markdown: '', latex: '' }, availableKeys: [], spec: {}, ...parts } as unknown as FigureData;
}
