/**
 * The host's figure renderer, shared by the GUI (`figures.render`) and `lrlab figure`: the
 * option from figure/option.ts drawn by ECharts' server-side SVG renderer; PDF by pdfkit +
 * svg-to-pdfkit (vector, text kept as text in an embedded DejaVu font so η, σ and subscripts
 * survive); PNG by resvg at a chosen DPI; CSV of exactly the plotted series plus the raw points.
 * The same figure spec on the same store gives the same SVG bytes.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as echarts from 'echarts';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { Resvg } from '@resvg/resvg-js';
import type { FigureData, FigureFormat, FigureSpec } from '../../api/schemas';
import { buildFigureOption, exportSizePt } from '../../../figure/option';

const requireHere = createRequire(import.meta.url);

/** DejaVu (Sans, Serif, Mono) from the dejavu-fonts-ttf package: Greek, sub/superscripts, on every machine. */
function fontDir(): string {
  return join(dirname(requireHere.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

export function fontFileFor(family: string): string {
  const f = family.toLowerCase();
  const name = /mono|courier|consol/.test(f) ? 'DejaVuSansMono.ttf' : /serif|times|georgia|garamond|palatino|roman/.test(f) && !/sans/.test(f) ? 'DejaVuSerif.ttf' : 'DejaVuSans.ttf';
  return join(fontDir(), name);
}

/** zrender's per-process counters in ids and class names, renumbered in order of first appearance. */
export function normalizeIds(svg: string): string {
  const seen = new Map<string, string>();
  const next = new Map<string, number>();
  return svg.replace(/\bzr\d+-([a-z]+-?)(\d+)\b/g, (m, kind: string) => {
    let v = seen.get(m);
    if (v === undefined) {
      const n = next.get(kind) ?? 0;
      next.set(kind, n + 1);
      v = `zr0-${kind}${n}`;
      seen.set(m, v);
    }
    return v;
  });
}

/** The exported size for this figure's data (panels drawn, strip shown or not). */
export function sizeOf(data: FigureData, spec: FigureSpec): { width: number; height: number } {
  return exportSizePt(spec, spec.layout === 'overlay' ? 1 : Math.max(1, data.panels.length), spec.schedule && data.schedule !== null && data.schedule.length > 0);
}

export function figureOption(data: FigureData, spec: FigureSpec): Record<string, unknown> {
  const size = sizeOf(data, spec);
  return buildFigureOption(data, spec, { mode: 'export', width: size.width, height: size.height });
}

/**
 * The figure as SVG: drawn in points (1 unit = 1/72 in) and sized in inches, so it lands in a
 * paper at the width the spec says. zrender numbers its clip paths per chart instance; they are
 * renumbered so the bytes do not depend on how many figures the process drew before.
 */
export function renderSvg(data: FigureData, spec: FigureSpec): string {
  return optionToSvg(figureOption(data, spec), sizeOf(data, spec));
}

/** An ECharts option drawn by the server-side SVG renderer in points (`size`), sized in inches, ids renumbered. */
export function optionToSvg(option: Record<string, unknown>, size: { width: number; height: number }): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(option);
    let svg = chart.renderToSVGString();
    svg = normalizeIds(svg);
    const hIn = size.height / 72;
    const wIn = size.width / 72;
    svg = svg.replace(/^<svg width="[^"]*" height="[^"]*"/, `<svg width="${+wIn.toFixed(4)}in" height="${+hIn.toFixed(4)}in"`);
    return svg;
  } finally {
    chart.dispose();
  }
}

export function renderPdf(data: FigureData, spec: FigureSpec): Promise<Buffer> {
  return svgToPdf(renderSvg(data, spec), sizeOf(data, spec), spec.style.title || 'LR Lab figure');
}

/** A vector PDF of an SVG drawn in points (`size`), text kept as text in an embedded DejaVu font. */
export function svgToPdf(svg: string, size: { width: number; height: number }, title: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: [size.width, size.height],
      margin: 0,
      autoFirstPage: true,
      info: { Title: title, Creator: 'LR Lab', Producer: 'LR Lab (pdfkit)', CreationDate: new Date(0) },
      compress: true,
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const registered = new Set<string>();
    SVGtoPDF(doc, svg, 0, 0, {
      width: size.width,
      height: size.height,
      fontCallback: (family: string) => {
        const file = fontFileFor(family);
        if (!registered.has(file)) {
          doc.registerFont(file, file);
          registered.add(file);
        }
        return file;
      },
    });
    doc.end();
  });
}

/** PNG at `dpi` dots per inch: width = inches × dpi pixels. */
export function renderPng(data: FigureData, spec: FigureSpec, dpi: number): Buffer {
  return svgToPng(renderSvg(data, spec), sizeOf(data, spec), dpi);
}

/** PNG of an SVG drawn in points (`size`) at `dpi` dots per inch. */
export function svgToPng(svg: string, size: { width: number; height: number }, dpi: number): Buffer {
  const widthPx = Math.round((size.width / 72) * dpi);
  const r = new Resvg(svg, {
    fitTo: { mode: 'width', value: widthPx },
    background: '#ffffff',
    font: { fontFiles: [fontFileFor('sans'), fontFileFor('serif'), fontFileFor('mono')], loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}

const csvCell = (v: string | number | null): string => {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
};

/**
 * CSV of exactly what the figure plots (section `plotted`: every drawn series, after grouping,
 * smoothing and aggregation; band edges as values, not as stacked differences) and the raw
 * points behind it (section `raw`: each run's points as read, before smoothing).
 */
export function renderCsv(data: FigureData, spec: FigureSpec): string {
  const lines = ['section,panel,condition,series,run_id,x,y'];
  const option = figureOption(data, spec);
  const series = option['series'] as { id: string; data: [number, number | null][] }[];
  const byId = new Map(series.map((s) => [s.id, s]));
  for (const s of series) {
    const [kind, panel, group, ...rest] = s.id.split(':');
    let name = kind as string;
    let run = '';
    let pts = s.data;
    if (kind === 'band') {
      name = `band_${rest[0]}`;
      if (rest[0] === 'hi') {
        const lo = byId.get(`band:${panel}:${group}:lo`);
        pts = s.data.map(([x, d], i) => {
          const l = lo?.data[i]?.[1] ?? null;
          return [x, d === null || l === null ? null : l + d];
        });
      }
    } else if (kind === 'seed') {
      name = spec.showSeeds ? 'run' : 'run_raw';
      run = rest.join(':');
    }
    for (const [x, y] of pts) lines.push([csvCell('plotted'), csvCell(panel ?? ''), csvCell(group ?? ''), csvCell(name), csvCell(run), csvCell(x), csvCell(y)].join(','));
  }
  for (const p of data.panels) {
    for (const c of p.curves) {
      for (const r of c.runs) {
        for (let i = 0; i < r.x.length; i++) lines.push(['raw', csvCell(p.key), csvCell(c.group), 'point', csvCell(r.runId), csvCell(r.x[i] ?? null), csvCell(r.raw[i] ?? null)].join(','));
      }
    }
  }
  return lines.join('\n') + '\n';
}

export interface RenderedFigure {
  filename: string;
  mime: string;
  encoding: 'utf8' | 'base64';
  content: string;
  bytes: Buffer;
}

export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'figure';
}

export async function renderFigure(data: FigureData, spec: FigureSpec, format: FigureFormat, dpi = 300, name = 'figure'): Promise<RenderedFigure> {
  const base = slug(name);
  switch (format) {
    case 'svg': {
      const s = renderSvg(data, spec);
      return { filename: `${base}.svg`, mime: 'image/svg+xml', encoding: 'utf8', content: s, bytes: Buffer.from(s, 'utf8') };
    }
    case 'csv': {
      const s = renderCsv(data, spec);
      return { filename: `${base}.csv`, mime: 'text/csv', encoding: 'utf8', content: s, bytes: Buffer.from(s, 'utf8') };
    }
    case 'pdf': {
      const b = await renderPdf(data, spec);
      return { filename: `${base}.pdf`, mime: 'application/pdf', encoding: 'base64', content: b.toString('base64'), bytes: b };
    }
    case 'png': {
      const b = renderPng(data, spec, dpi);
      return { filename: `${base}.png`, mime: 'image/png', encoding: 'base64', content: b.toString('base64'), bytes: b };
    }
  }
}
