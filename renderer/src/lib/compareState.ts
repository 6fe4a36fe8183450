/**
 * The comparison view's whole state (runs, grouping, panels, axes, smoothing, band, style) as
 * URL query parameters and back, so a view can be linked, reloaded, and saved as a figure spec.
 * Pure; defaults are left out of the URL (the host fills them in when it parses the spec).
 */
import type { FigureSpecInput } from '@api/index';

type Q = Readonly<Record<string, string | undefined>>;

const BANDS = ['none', 'std', 'minmax', 'ci95'] as const;
const XS = ['step', 'epoch', 'wall'] as const;
const list = (v: string | undefined): string[] => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
const num = (v: string | undefined): number | undefined => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));
const oneOf = <T extends string>(v: string | undefined, all: readonly T[]): T | undefined => (all as readonly string[]).includes(v ?? '') ? (v as T) : undefined;

/** The figure spec a comparison URL describes (style comes from a saved figure, not the URL). */
export function specFromQuery(q: Q): FigureSpecInput {
  const spec: FigureSpecInput = {};
  const ids = list(q['ids']);
  if (ids.length) spec.runs = ids;
  else if (q['tag']) spec.query = { tag: q['tag'] };
  else if (q['group']) spec.query = { groupId: q['group'] };
  const panels = list(q['panels']);
  if (panels.length) spec.panels = panels;
  if (q['by']) spec.groupBy = q['by'];
  const x = oneOf(q['x'], XS);
  if (x) spec.x = x;
  const band = oneOf(q['band'], BANDS);
  if (band) spec.band = band;
  const smooth = num(q['smooth']);
  if (smooth !== undefined) spec.smoothing = Math.min(0.99, Math.max(0, smooth));
  if (q['logy'] === '1') spec.logY = true;
  if (q['logx'] === '1') spec.logX = true;
  if (q['seeds'] === '1') spec.showSeeds = true;
  if (q['collapsed'] === 'keep') spec.excludeCollapsed = false;
  const excl = list(q['exclude']);
  if (excl.length) spec.exclude = excl;
  if (q['strip'] === '0') spec.schedule = false;
  if (q['slog'] === '1') spec.scheduleLog = true;
  if (q['layout'] === 'overlay') spec.layout = 'overlay';
  const from = num(q['from']);
  const to = num(q['to']);
  if (from !== undefined && to !== undefined && to > from) spec.range = { from, to };
  const at = num(q['at']);
  if (at !== undefined) spec.summaryAt = at;
  const cmp = list(q['cmp']);
  if (cmp.length === 2) spec.compare = [cmp[0] as string, cmp[1] as string];
  return spec;
}

/** URL query parameters for a figure spec (defaults omitted). */
export function queryFromSpec(s: FigureSpecInput): Record<string, string | undefined> {
  const q: Record<string, string | undefined> = {};
  if (s.runs?.length) q['ids'] = s.runs.join(',');
  else if (s.query?.tag) q['tag'] = s.query.tag;
  else if (s.query?.groupId) q['group'] = s.query.groupId;
  if (s.panels?.length) q['panels'] = s.panels.join(',');
  if (s.groupBy && s.groupBy !== 'condition') q['by'] = s.groupBy;
  if (s.x && s.x !== 'step') q['x'] = s.x;
  if (s.band && s.band !== 'std') q['band'] = s.band;
  if (s.smoothing) q['smooth'] = String(s.smoothing);
  if (s.logY) q['logy'] = '1';
  if (s.logX) q['logx'] = '1';
  if (s.showSeeds) q['seeds'] = '1';
  if (s.excludeCollapsed === false) q['collapsed'] = 'keep';
  if (s.exclude?.length) q['exclude'] = s.exclude.join(',');
  if (s.schedule === false) q['strip'] = '0';
  if (s.scheduleLog) q['slog'] = '1';
  if (s.layout === 'overlay') q['layout'] = 'overlay';
  if (s.range) {
    q['from'] = String(s.range.from);
    q['to'] = String(s.range.to);
  }
  if (s.summaryAt !== undefined && s.summaryAt !== null) q['at'] = String(s.summaryAt);
  if (s.compare) q['cmp'] = s.compare.join(',');
  return q;
}

/** Toggles one run id in a list (leave a run out of its band, or put it back). */
export function toggled(listIn: readonly string[] | undefined, id: string): string[] {
  const l = [...(listIn ?? [])];
  const i = l.indexOf(id);
  if (i >= 0) l.splice(i, 1);
  else l.push(id);
  return l;
}
