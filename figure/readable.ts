/**
 * Readability passes over a built figure option (figure/option.ts calls `makeReadable` last),
 * each fixing something seen in the comparison view's or an export's screenshots:
 *
 * - a y title longer than its panel is wrapped onto up to three lines (a single-column figure's
 *   "patch-only validation accuracy" ran into the legend and the next panel's title);
 * - the overlay layout's y title named every metric in one clipped line and nothing said which
 *   dash is which metric: the title becomes "value" and a key (solid / dashed / dotted) is drawn
 *   above the plot;
 * - x axes stay at the bottom of their panel (ECharts draws them at y = 0 when the range spans
 *   0, e.g. a CI band below 0, leaving tick labels in the middle of the plot);
 * - the schedule strip's η and σ are upright, with room on the right for σ (it ran off the figure's edge);
 * - exported legends leave more room between items (DejaVu is wider than ECharts' metrics);
 * - the interactive tooltip is one small table — conditions × panels at the hovered x, plus η
 *   and σ there — instead of a block per grid (six blocks, strips included, covered the chart
 *   and could not tell η from σ).
 */
import type { FigureData, FigureSpec } from '@api/schemas';
import { sigFormat, xFormat } from './format';
import type { Projection } from './screenPaths';

type Obj = Record<string, unknown>;

/** About how wide a line of text is, in px, at font size `fs` (sans-serif, mixed case). */
export const textWidth = (s: string, fs: number): number => s.length * fs * 0.56;

/** Splits `text` at spaces into at most `maxLines` lines, each (if possible) at most `width` px wide at `fs`. */
export function wrapTitle(text: string, width: number, fs: number, maxLines = 3): string {
  if (textWidth(text, fs) <= width || !text.includes(' ')) return text;
  const words = text.split(' ');
  const lines = Math.min(maxLines, words.length, Math.ceil(textWidth(text, fs) / Math.max(1, width)));
  // Balanced: aim for text/lines characters per line, breaking at the space nearest each target.
  const target = text.length / lines;
  const out: string[] = [];
  let cur = '';
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w;
    if (cur && out.length < lines - 1 && next.length > target && Math.abs(next.length - target) > Math.abs(cur.length - target)) {
      out.push(cur);
      cur = w;
    } else cur = next;
  }
  out.push(cur);
  return out.join('\n');
}

/** The value a schedule drawn as steps (`step: 'end'`) holds at x: the last point at or before x. */
export function stepValueAt(xs: readonly number[], ys: readonly number[], x: number): number | null {
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0 || x < (xs[0] as number)) return null;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((xs[mid] as number) <= x) lo = mid;
    else hi = mid - 1;
  }
  return ys[lo] ?? null;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

interface TooltipParam {
  seriesId?: string;
  value?: unknown;
  axisValue?: unknown;
  axisDim?: string;
}

/** The index in xs (increasing) nearest to x, -1 if xs is empty; on a tie, the earlier one. */
export function nearestIndex(xs: readonly number[], x: number): number {
  if (!xs.length) return -1;
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  if (lo === xs.length) return lo - 1;
  return x - (xs[lo - 1] as number) <= (xs[lo] as number) - x ? lo - 1 : lo;
}

/**
 * The data x under a pointer at pixel (px, py): through the projection of the panel whose x span
 * holds px and which lies nearest py (a strip maps x as its panel does); null if none.
 */
export function xAtPixel(projections: Iterable<Projection>, px: number, py: number): number | null {
  let best: Projection | null = null;
  let bestD = Infinity;
  for (const p of projections) {
    if (!(px >= p.left && px <= p.right) || p.bx === 0) continue;
    const d = py < p.top ? p.top - py : py > p.bottom ? py - p.bottom : 0;
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  if (!best) return null;
  const v = (px - best.ax) / best.bx;
  return best.logX ? 10 ** v : v;
}

/**
 * The interactive tooltip: at the hovered x, one row per shown condition with its mean in each
 * panel (the mean's point nearest the hovered x, looked up in the data's arrays: on screen the
 * means are drawn from the arrays, and the axis tooltip hands over only which mean series are
 * shown — ids `mean:<panel key>:<condition>` — and the hovered x), and the LR (η) and noise (σ)
 * it had there. The x shown is the nearest point's x of the first mean.
 */
export function tooltipFormatter(data: FigureData, spec: FigureSpec): (params: unknown, hovered?: number) => string {
  const panelLabel = new Map(data.panels.map((p) => [p.key, spec.style.yLabels[p.key] ?? p.label]));
  const withNoise = (data.schedule ?? []).some((s) => s.noise.some((v) => v !== 0));
  return (raw: unknown, hovered?: number): string => {
    const params = (Array.isArray(raw) ? raw : [raw]) as TooltipParam[];
    const means = new Map<string, number | null>();
    let x: number | null = null;
    let at: number | null = hovered ?? null;
    for (const p of params) {
      const id = p.seriesId ?? '';
      if (!id.startsWith('mean:')) continue;
      if (at === null && typeof p.axisValue === 'number') at = p.axisValue;
      if (at === null) continue;
      // id = mean:<panel key>:<condition> (a condition may contain ':')
      const rest = id.slice(5);
      const panel = data.panels.find((q) => rest.startsWith(`${q.key}:`));
      if (!panel) continue;
      const group = rest.slice(panel.key.length + 1);
      const cv = panel.curves.find((c) => c.group === group);
      const k = cv ? nearestIndex(cv.x, at) : -1;
      if (!cv || k < 0) continue;
      if (x === null) x = cv.x[k] as number;
      const v = cv.mean[k];
      means.set(`${panel.key}\u0000${group}`, typeof v === 'number' && Number.isFinite(v) ? v : null);
    }
    if (x === null) return '';
    const keys = data.panels.map((p) => p.key).filter((k) => data.groups.some((g) => means.has(`${k}\u0000${g.name}`)));
    const head = `<div style="margin-bottom:2px"><b>${escapeHtml(data.xLabel)} ${escapeHtml(xFormat(x, spec.x))}</b></div>`;
    const th = (s: string) => `<th style="text-align:right;font-weight:normal;opacity:0.75;padding:0 0 2px 10px;max-width:10em;white-space:normal">${escapeHtml(s)}</th>`;
    const td = (s: string) => `<td style="text-align:right;padding:0 0 0 10px;font-variant-numeric:tabular-nums">${escapeHtml(s)}</td>`;
    const sched = data.schedule ?? [];
    const header = `<tr><th></th>${keys.map((k) => th(panelLabel.get(k) ?? k)).join('')}${sched.length ? th('η') : ''}${sched.length && withNoise ? th('σ') : ''}</tr>`;
    const rows = data.groups
      .filter((g) => keys.some((k) => means.has(`${k}\u0000${g.name}`)))
      .map((g) => {
        const s = sched.find((q) => q.group === g.name);
        const cells = keys.map((k) => td(sigFormat(means.get(`${k}\u0000${g.name}`) ?? null, 4)));
        if (sched.length) cells.push(td(s ? sigFormat(stepValueAt(s.x, s.lr, x as number), 3) : '—'));
        if (sched.length && withNoise) cells.push(td(s ? sigFormat(stepValueAt(s.x, s.noise, x as number), 3) : '—'));
        const dot = `<span style="display:inline-block;width:8px;height:8px;border-radius:4px;margin-right:5px;background:${escapeHtml(g.color)}"></span>`;
        return `<tr><td style="white-space:nowrap">${dot}${escapeHtml(g.name)}</td>${cells.join('')}</tr>`;
      });
    return `${head}<table style="border-collapse:collapse;font-size:12px">${header}${rows.join('')}</table>`;
  };
}

/** The passes listed above, applied in place to `option` (built by buildFigureOption). */
export function makeReadable(option: Obj, data: FigureData, spec: FigureSpec, o: { mode: 'interactive' | 'export'; fontSize: number; screen?: ReadonlyMap<number, Projection> }): Obj {
  const fs = o.fontSize;
  const grids = (option['grid'] as Obj[] | undefined) ?? [];
  const xAxes = (option['xAxis'] as Obj[] | undefined) ?? [];
  const yAxes = (option['yAxis'] as Obj[] | undefined) ?? [];
  const overlay = spec.layout === 'overlay' && data.panels.length > 1;

  for (const ax of [...xAxes, ...yAxes]) ax['axisLine'] = { ...((ax['axisLine'] as Obj | undefined) ?? {}), onZero: false };

  const mainGrids = new Set<number>();
  let extraLines = 0;
  let sigmaShown = false;
  for (const ax of yAxes) {
    const name = typeof ax['name'] === 'string' ? (ax['name'] as string) : '';
    if (name === 'η' || name === 'σ') {
      ax['nameRotate'] = 0;
      if (name === 'σ' && ax['show'] !== false) sigmaShown = true;
      continue;
    }
    const gi = typeof ax['gridIndex'] === 'number' ? (ax['gridIndex'] as number) : 0;
    if (ax['position'] === 'right' || name === '') continue;
    mainGrids.add(gi);
    if (overlay) ax['name'] = 'value';
    else {
      const h = Number(grids[gi]?.['height'] ?? Infinity);
      ax['name'] = wrapTitle(name, h * 1.05, fs);
      const lines = (ax['name'] as string).split('\n').length;
      if (lines > 1) ax['nameTextStyle'] = { ...((ax['nameTextStyle'] as Obj | undefined) ?? {}), lineHeight: fs * 1.15 };
      extraLines = Math.max(extraLines, lines - 1);
    }
  }
  // A wrapped title's extra lines grow outwards from the axis: every panel moves right by their
  // height and narrows by as much, so each column keeps its right edge and gains that room on its left.
  if (extraLines > 0) {
    const extra = (extraLines * 1.15 + 0.6) * fs; // the lines, and a margin so the outermost one is not cut at the edge
    for (const g of grids) {
      if (typeof g['left'] === 'number' && typeof g['width'] === 'number') {
        g['left'] = (g['left'] as number) + extra;
        g['width'] = Math.max(10, (g['width'] as number) - extra);
      }
    }
  }

  // σ right of the noise axis's tick labels ran off the figure's right edge: the panels give up
  // a little width (each column the same, gaps between them kept) for a wider right margin.
  if (sigmaShown) {
    const extraR = fs * 1.1;
    const lefts = [...new Set(grids.map((g) => g['left']).filter((v): v is number => typeof v === 'number'))].sort((a, b) => a - b);
    const cols = lefts.length;
    for (const g of grids) {
      if (typeof g['left'] !== 'number' || typeof g['width'] !== 'number') continue;
      const k = lefts.indexOf(g['left'] as number);
      g['left'] = (g['left'] as number) - (k * extraR) / cols;
      g['width'] = Math.max(10, (g['width'] as number) - extraR / cols);
    }
  }

  if (overlay) {
    // Which dash is which metric, in a line above the plot (the plot moves down to make room).
    const DASH = ['——', '– –', '···'];
    const key = data.panels.map((p, i) => `${DASH[i % 3]} ${spec.style.yLabels[p.key] ?? p.label}`).join('    ');
    const gi = [...mainGrids][0] ?? 0;
    const g = grids[gi];
    if (g && typeof g['top'] === 'number' && typeof g['height'] === 'number') {
      const top = g['top'] as number;
      g['top'] = top + fs * 1.6;
      g['height'] = (g['height'] as number) - fs * 1.6;
      const titles = Array.isArray(option['title']) ? (option['title'] as Obj[]) : option['title'] ? [option['title'] as Obj] : [];
      const ts = (option['textStyle'] as Obj | undefined) ?? {};
      titles.push({ text: key, left: typeof g['left'] === 'number' ? g['left'] : 'center', top: top + fs * 0.1, textStyle: { fontSize: fs * 0.9, fontWeight: 'normal', color: ts['color'], fontFamily: ts['fontFamily'] } });
      option['title'] = titles;
    }
  }

  // ECharts lays the legend out with its own text metrics; the exported SVG/PDF/PNG draw it in
  // DejaVu (wider), so items ran into each other's swatches: room after each item's text in
  // exports, as an en space ECharts measures as 1 em (a larger itemGap would also space wrapped
  // rows apart and push them into the plot; text padding is not measured).
  const legend = option['legend'] as Obj | undefined;
  const fmt = legend?.['formatter'];
  if (o.mode === 'export' && legend && legend['show'] !== false && typeof fmt === 'function') {
    legend['formatter'] = (name: string) => `${(fmt as (n: string) => string)(name)}\u2002`;
  }

  if (o.mode === 'interactive') {
    // On screen each mean is one item drawn from its arrays (figure/screenPaths.ts), so ECharts'
    // axis tooltip snaps to that item's x and keeps its content while the pointer moves. The
    // params still say which means are shown; the hovered x comes from the pointer's pixel
    // through the panel's projection at the last frame, and the content is written again
    // whenever that x changes (`position` is called on every pointer move, after the content).
    const html = tooltipFormatter(data, spec);
    const screen = o.screen;
    let hovered: number | undefined;
    let shown: { params: unknown; x: number | undefined } | null = null;
    const formatter = (params: unknown): string => {
      shown = { params, x: hovered };
      return html(params, hovered);
    };
    const position = (point: number[], params: unknown, dom: { innerHTML: string } | null): undefined => {
      const x = screen ? xAtPixel(screen.values(), point[0] ?? NaN, point[1] ?? NaN) : null;
      if (x === null) return undefined;
      hovered = x;
      if (dom && (!shown || shown.params !== params || shown.x !== x)) {
        shown = { params, x };
        dom.innerHTML = html(params, x);
      }
      return undefined;
    };
    option['tooltip'] = { ...((option['tooltip'] as Obj | undefined) ?? {}), trigger: 'axis', confine: true, formatter, position };
  }
  return option;
}
