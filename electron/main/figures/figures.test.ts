import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type RunStore } from '../../../storage';
import { FigureSpecSchema, type FigureSpecInput } from '../../api/schemas';
import { buildFigureOption } from '../../../figure/option';
import { parseFigureSpec, prepareFigure } from './prepare';
import { figureOption, renderCsv, renderFigure, renderPdf, renderPng, renderSvg } from './render';
import { seedComparisonRuns } from './fixtures';
import { createFiguresService } from '../services/figures';
import { FMNIST_ANNEAL, FMNIST_EPOCHS } from '../../../engine/presets/image';

let store: RunStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

function setup(collapse = false): { s: RunStore; ids: string[] } {
  store = openStore(':memory:');
  const ids = seedComparisonRuns(store, { points: 400, ...(collapse ? { collapse: { preset: 'toy-s', seed: 2 } } : {}) });
  return { s: store, ids };
}

const specOf = (ids: string[], over: Partial<FigureSpecInput> = {}) =>
  parseFigureSpec({ runs: ids, panels: ['train/p_only/acc', 'train/q_only/acc'], ...over });

/** The words an SVG shows, its text elements joined by spaces (a wrapped axis title is one line per element). */
const svgWords = (svg: string): string =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => (m[1] ?? '').replace(/&amp;/g, '&').trim()).filter(Boolean).join(' ').replace(/\s+/g, ' ');

/** Text of every page of a PDF, extracted with pdf.js (what a reader or a search sees). */
async function pdfText(bytes: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, disableFontFace: true }).promise;
  let text = '';
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const c = await page.getTextContent();
    text += c.items.map((it) => ('str' in it ? it.str : '')).join(' ') + '\n';
  }
  return text;
}

describe('figure spec validation', () => {
  it('fills defaults for a minimal spec', () => {
    const s = FigureSpecSchema.parse({ runs: ['a'], panels: ['train/loss'] });
    expect(s.band).toBe('std');
    expect(s.style.widthIn).toBe(6.75);
    expect(s.style.palette).toBe('okabe-ito');
  }, 180_000);

  it('refuses a bad spec with every problem named by path', () => {
    let err: unknown;
    try {
      parseFigureSpec({ panels: [], smoothing: 1.5, band: 'sometimes', groupBy: 'colour', style: { widthIn: 0 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^The figure spec is invalid \(\d+ problems\)/);
    for (const p of ['spec.panels', 'spec.smoothing', 'spec.band', 'spec.groupBy', 'spec.style.widthIn']) expect(msg).toContain(p);
    expect(() => parseFigureSpec({ panels: ['train/loss'] })).toThrow(/spec\.runs: a figure needs `runs` \(run ids\) or a `query`/);
    expect(() => parseFigureSpec({ runs: ['x'], panels: ['a'], colour: 'red' })).toThrow(/Unrecognized key/);
  }, 180_000);

  it('a saved figure must be a valid spec; the stored one re-exports to the same SVG', async () => {
    const { s, ids } = setup();
    const svc = createFiguresService(s);
    expect(() => svc.save({ name: 'bad', spec: { runs: ids, band: 'sometimes' } })).toThrow(/spec\.band/);
    const saved = await svc.save({ name: 'fig', spec: { runs: ids, panels: ['train/p_only/acc'] } });
    const a = await svc.render({ spec: saved.spec, format: 'svg', dpi: 300 });
    const b = await svc.render({ spec: (await svc.get({ id: saved.id })).spec, format: 'svg', dpi: 300 });
    expect(a.content).toBe(b.content);
    await expect(svc.saveAs({ spec: saved.spec, format: 'svg', dpi: 300 })).rejects.toThrow(/browser mode the figure downloads/);
  }, 180_000);
});

describe('figure export in the desktop window', () => {
  it('asks the injected save dialog for a path, writes the rendered bytes there, and writes nothing when cancelled', async () => {
    const { s, ids } = setup();
    const dir = mkdtempSync(join(tmpdir(), 'lrlab-saveas-'));
    try {
      const asked: { name: string; format: string }[] = [];
      let answer: string | null = join(dir, 'chosen.svg');
      const svc = createFiguresService(s, async (name, format) => {
        asked.push({ name, format });
        return answer;
      });
      const spec = { runs: ids, panels: ['train/p_only/acc'] };
      const r = await svc.saveAs({ spec, format: 'svg', dpi: 300 });
      expect(r.path).toBe(join(dir, 'chosen.svg'));
      expect(asked).toEqual([{ name: expect.stringMatching(/\.svg$/), format: 'svg' }]);
      // The file holds exactly what figures.render gives the browser for the same spec.
      expect(readFileSync(join(dir, 'chosen.svg'), 'utf8')).toBe((await svc.render({ spec, format: 'svg', dpi: 300 })).content);
      answer = null;
      expect(await svc.saveAs({ spec, format: 'png', dpi: 100 })).toEqual({ path: null });
      expect(readdirSync(dir)).toEqual(['chosen.svg']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('prepareFigure', () => {
  it('groups 6 runs into 3 conditions with n, anneal markers and the schedule strip', () => {
    const { s, ids } = setup();
    const d = prepareFigure(s, specOf(ids));
    expect(d.groups.map((g) => [g.name, g.n])).toEqual([
      ['L-S', 2],
      ['S', 2],
      ['S+noise', 2],
    ]);
    expect(d.groups.find((g) => g.name === 'L-S')?.annealAt).toBe(3000);
    // S has no anneal event; its schedule has no anneal either.
    expect(d.groups.find((g) => g.name === 'S')?.annealAt).toBeNull();
    expect(d.schedule?.map((x) => x.group)).toEqual(['L-S', 'S', 'S+noise']);
    const ls = d.schedule?.find((x) => x.group === 'L-S');
    expect(new Set(ls?.lr).size).toBeGreaterThan(1); // η1 then η2
    expect(d.panels).toHaveLength(2);
    expect(d.panels[0]?.curves[0]?.runs).toHaveLength(2);
    expect(d.summary.rows).toHaveLength(6);
  }, 180_000);

  it('leaves a collapsed run out of its band (one click: excludeCollapsed) and says so', () => {
    const { s, ids } = setup(true);
    const without = prepareFigure(s, specOf(ids));
    const sGroup = without.groups.find((g) => g.name === 'S');
    expect(sGroup).toMatchObject({ n: 1, collapsed: 1 });
    expect(without.runs.filter((r) => r.collapsed)).toHaveLength(1);
    expect(without.notes.join(' ')).toMatch(/Left out of the bands: toy-s s2 \(collapsed\)/);
    const withIt = prepareFigure(s, specOf(ids, { excludeCollapsed: false }));
    const mean = (d: typeof without) => d.panels[0]?.curves.find((c) => c.group === 'S')?.mean.at(-1) as number;
    expect(mean(withIt)).toBeLessThan(mean(without) - 0.1);
    expect(withIt.groups.find((g) => g.name === 'S')?.n).toBe(2);
  }, 180_000);

  it('fixture runs logged past their preset’s length get a spec that long: the schedule strip and the anneal span the curves', () => {
    store = openStore(':memory:');
    const ids = seedComparisonRuns(store, { points: 8000, every: 1, presets: ['toy-ls', 'toy-s'], seeds: [1], keys: ['train/loss'] });
    const d = prepareFigure(store, specOf(ids, { panels: ['train/loss'] }));
    const lastX = Math.max(...(d.panels[0]?.curves.map((c) => c.x.at(-1) as number) ?? []));
    expect(lastX).toBe(7999);
    for (const s of d.schedule ?? []) expect(s.x.at(-1)).toBeGreaterThanOrEqual(lastX);
    // The toy L-S anneals halfway (3000 of 6000): halfway through the stretched run too.
    expect(d.groups.find((g) => g.name === 'L-S')?.annealAt).toBe(4000);
    expect(d.panels[0]?.bounds).toEqual([0, null]);
  }, 180_000);

  it('zooming reads the visible step range at full resolution', () => {
    store = openStore(':memory:');
    const ids = seedComparisonRuns(store, { points: 20_000, every: 1, presets: ['toy-ls'], seeds: [1] });
    const over = prepareFigure(store, specOf(ids, { panels: ['train/loss'] }));
    const run = over.panels[0]?.curves[0]?.runs[0];
    expect(run?.x.length).toBeLessThanOrEqual(2000);
    const zoom = prepareFigure(store, specOf(ids, { panels: ['train/loss'], range: { from: 5000, to: 8000 } }));
    const zr = zoom.panels[0]?.curves[0]?.runs[0];
    expect(zr?.x.length).toBe(3001);
    expect(zr?.x[0]).toBe(5000);
    expect(zr?.x.at(-1)).toBe(8000);
    // The view says "full resolution" from this flag: every drawn curve has every stored point.
    expect(over.downsampled).toBe(true);
    const narrow = prepareFigure(store, specOf(ids, { panels: ['train/loss'], range: { from: 5000, to: 6000 } }));
    expect(narrow.panels[0]?.curves[0]?.x.length).toBe(1001);
    expect(narrow.downsampled).toBe(false);
    // 3001 points: each run is whole, but the mean is drawn from at most 2500 (CURVE_POINTS).
    expect(zoom.panels[0]?.curves[0]?.x.length).toBeLessThanOrEqual(2500);
    expect(zoom.downsampled).toBe(true);
  }, 180_000);

  it('for the screen (maxPoints): curves of at most that many points with spikes kept, run arrays only when drawn, the same bands and summary; a zoom ignores it', () => {
    store = openStore(':memory:');
    const ids = seedComparisonRuns(store, { points: 5000, every: 1, presets: ['toy-ls', 'toy-s'], seeds: [1, 2] });
    const key = 'train/loss';
    const full = prepareFigure(store, specOf(ids, { panels: [key] }));
    const screen = prepareFigure(store, specOf(ids, { panels: [key] }), undefined, { maxPoints: 400 });
    const [cf, cs] = [full.panels[0]?.curves[0], screen.panels[0]?.curves[0]];
    if (!cf || !cs) throw new Error('no curve');
    expect(cf.x.length).toBeGreaterThan(400);
    expect(cs.x.length).toBeLessThanOrEqual(400);
    // min/max decimation keeps the extremes of the mean and both ends.
    const nums = (a: (number | null)[]) => a.filter((v): v is number => v !== null);
    expect(Math.max(...nums(cs.mean))).toBe(Math.max(...nums(cf.mean)));
    expect(Math.min(...nums(cs.mean))).toBe(Math.min(...nums(cf.mean)));
    expect([cs.x[0], cs.x.at(-1)]).toEqual([cf.x[0], cf.x.at(-1)]);
    // Nothing draws the runs' own curves here: none are sent.
    expect(cs.runs.map((r) => r.x.length)).toEqual([0, 0]);
    expect(cs.n).toBe(cf.n);
    expect(screen.summary).toEqual(full.summary);
    // Seeds drawn: each run at most maxPoints, its spikes kept.
    const seeds = prepareFigure(store, specOf(ids, { panels: [key], showSeeds: true }), undefined, { maxPoints: 400 });
    const rs = seeds.panels[0]?.curves[0]?.runs[0];
    const rf = cf.runs[0];
    if (!rs || !rf) throw new Error('no run');
    expect(rs.x.length).toBeGreaterThan(100);
    expect(rs.x.length).toBeLessThanOrEqual(400);
    expect(Math.max(...nums(rs.y))).toBe(Math.max(...nums(rf.y)));
    // A zoomed range is read at full resolution whatever the screen asks for.
    const zoom = prepareFigure(store, specOf(ids, { panels: [key], range: { from: 1000, to: 3000 } }), undefined, { maxPoints: 400 });
    expect(zoom.panels[0]?.curves[0]?.runs[0]?.x.length).toBe(2001);
  }, 180_000);

  it('groups by a spec field and smooths before aggregating', () => {
    const { s, ids } = setup();
    const d = prepareFigure(s, specOf(ids, { groupBy: 'spec:seed', smoothing: 0.9 }));
    expect(d.groups.map((g) => g.name)).toEqual(['seed = 1', 'seed = 2']);
    const r = d.panels[0]?.curves[0]?.runs[0];
    expect(r?.y).not.toEqual(r?.raw);
    expect(r?.y[0]).toBeCloseTo(r?.raw[0] as number, 12);
  }, 180_000);

  it('without panels, draws the kind’s default panels the runs have', () => {
    const { s, ids } = setup();
    const d = prepareFigure(s, parseFigureSpec({ runs: ids }));
    expect(d.panels.map((p) => p.key)).toEqual(['test/p_only/err', 'train/q_only/acc', 'train/p_only/acc']);
    expect(d.availableKeys).toContain('train/loss');
  }, 180_000);

  it('the x title is what is plotted: image runs on epochs; toy runs (alone or mixed in) have none, so all go on iterations and it says so', () => {
    store = openStore(':memory:');
    const toy = seedComparisonRuns(store, { points: 100, presets: ['toy-ls'], seeds: [1], keys: ['train/loss'] });
    const image = seedComparisonRuns(store, { points: 100, presets: ['patch-fmnist-large-lr'], seeds: [1], keys: ['train/loss'] }); // 100 points over the run: one logged every ~16 steps, so the wall-time anneal below lands within 0.05 s
    const maxX = (d: ReturnType<typeof prepareFigure>) => Math.max(...(d.panels[0]?.curves.flatMap((c) => c.x) ?? []));
    // Image runs alone: epochs (the preset's FMNIST_EPOCHS), titled epoch, the anneal at the start of epoch FMNIST_ANNEAL.
    const img = prepareFigure(store, parseFigureSpec({ runs: image, panels: ['train/loss'], x: 'epoch' }));
    expect([img.xLabel, (img.spec as { x: string }).x]).toEqual(['epoch', 'epoch']);
    expect(maxX(img)).toBeLessThanOrEqual(FMNIST_EPOCHS);
    expect(img.groups[0]?.annealAt).toBe(FMNIST_ANNEAL - 1);
    expect(renderSvg(img, parseFigureSpec(img.spec))).toContain('>epoch<');
    // Toy runs alone on an epoch axis: no epochs, so iterations — and the title says iteration.
    const t = prepareFigure(store, parseFigureSpec({ runs: toy, panels: ['train/loss'], x: 'epoch' }));
    expect([t.xLabel, (t.spec as { x: string }).x]).toEqual(['iteration', 'step']);
    expect(maxX(t)).toBeGreaterThan(1000);
    expect(t.notes.join(' ')).toMatch(/These runs have no epochs \(synthetic\): drawn against iterations/);
    const svg = renderSvg(t, parseFigureSpec(t.spec));
    expect(svg).toContain('>iteration<');
    expect(svg).not.toContain('>epoch<');
    // Mixed: one axis, one unit — iterations for all, and a note naming the runs without epochs.
    const m = prepareFigure(store, parseFigureSpec({ runs: [...toy, ...image], panels: ['train/loss'], x: 'epoch' }));
    expect(m.xLabel).toBe('iteration');
    expect(m.notes.join(' ')).toMatch(/1 of these 2 runs have no epochs \(synthetic\): all are drawn against iterations/);
    const annealStep = (FMNIST_ANNEAL - 1) * 79; // epoch FMNIST_ANNEAL starts after (FMNIST_ANNEAL − 1) epochs of 79 steps (10 000 / 128)
    expect(m.groups.find((g) => g.name === 'large LR')?.annealAt).toBe(annealStep);
    // On wall time the anneal is marked where the run's clock was at its anneal step (the fixture logs step × 3 ms).
    const wall = prepareFigure(store, parseFigureSpec({ runs: image, panels: ['train/loss'], x: 'wall' }));
    expect(wall.xLabel).toBe('wall time (s)');
    expect(wall.groups[0]?.annealAt).toBeCloseTo((annealStep * 3) / 1000, 1);
    // A custom x label that names another unit is pointed out.
    const own = prepareFigure(store, parseFigureSpec({ runs: image, panels: ['train/loss'], x: 'epoch', style: { xLabel: 'iteration' } }));
    expect(own.notes.join(' ')).toMatch(/own x label “iteration” names another unit than the axis shows \(epoch\)/);
  }, 180_000);

  it('says so when a query matches nothing, and when runs are missing', () => {
    const { s, ids } = setup();
    expect(() => prepareFigure(s, parseFigureSpec({ query: { tag: 'nope' }, panels: ['train/loss'] }))).toThrow(/matched none/);
    const d = prepareFigure(s, specOf([...ids, 'missing-run']));
    expect(d.notes[0]).toMatch(/missing-run is not in this store/);
  }, 180_000);
});

describe('figure export', () => {
  it('the option builder: one grid per panel plus its schedule strip, bands, anneal markers, one zoom for all', () => {
    const { s, ids } = setup();
    const spec = specOf(ids, { band: 'ci95', showSeeds: true });
    const d = prepareFigure(s, spec);
    const o = buildFigureOption(d, spec, { mode: 'interactive', width: 1200, height: 700 });
    expect(o['grid']).toHaveLength(4);
    type Layer = { shape: { src: { kind: string; x?: number } } };
    const series = o['series'] as { id: string; markLine?: { data: { xAxis: number }[] }; renderItem?: (p: unknown, api: unknown) => { children: Layer[] } }[];
    // On screen: one series per condition and panel, drawn from the arrays: the condition's runs,
    // its band, its anneal marker and, last, its mean (exports: two stacked band edges, a line
    // per run, the mean as a line series with a markLine).
    const means = series.filter((x) => x.id.startsWith('mean:'));
    expect(means).toHaveLength(6);
    expect(means.every((x) => typeof x.renderItem === 'function')).toBe(true);
    expect(series.filter((x) => x.id.startsWith('under:'))).toHaveLength(0);
    expect(series.filter((x) => x.id.startsWith('lr:'))).toHaveLength(6);
    const layers = series.find((x) => x.id === 'mean:train/p_only/acc:L-S')?.renderItem?.({ coordSys: { x: 0, y: 0, width: 100, height: 100 } }, { coord: (v: number[]) => v }).children ?? [];
    expect(layers.map((l) => l.shape.src.kind)).toEqual(['lines', 'band', 'vline', 'lines']);
    expect(layers[2]?.shape.src.x).toBe(3000);
    const zoom = o['dataZoom'] as { xAxisIndex: number[] }[];
    expect(zoom[0]?.xAxisIndex).toEqual([0, 1, 2, 3]);
    const exp = buildFigureOption(d, spec, { mode: 'export', width: 486, height: 300 });
    expect(exp['dataZoom']).toBeUndefined();
    expect((exp['series'] as typeof series).find((x) => x.id === 'mean:train/p_only/acc:L-S')?.markLine?.data[0]?.xAxis).toBe(3000);
    const logSpec = specOf(ids, { logY: true });
    const lo = buildFigureOption(prepareFigure(s, logSpec), logSpec, { mode: 'export', width: 486, height: 300 });
    const y0 = (lo['yAxis'] as { type: string; min: number; max: number }[])[0];
    // true log with bounds from the data (0.5…1), not squashed into the decade [0.1, 1]
    expect(y0?.type).toBe('log');
    expect(y0?.min).toBeGreaterThan(0.4);
    expect(y0?.max).toBeLessThan(1.2);
  }, 180_000);

  it('CSV holds exactly the plotted points, band edges as values, and the raw points', () => {
    const { s, ids } = setup();
    const spec = specOf(ids, { smoothing: 0.6, band: 'minmax' });
    const d = prepareFigure(s, spec);
    const csv = renderCsv(d, spec).trim().split('\n');
    expect(csv[0]).toBe('section,panel,condition,series,run_id,x,y');
    const rows = csv.slice(1).map((l) => l.split(','));
    const plotted = rows.filter((r) => r[0] === 'plotted');
    const option = figureOption(d, spec);
    const series = option['series'] as { id: string; data: [number, number | null][] }[];
    expect(plotted.length).toBe(series.reduce((a, x) => a + x.data.length, 0));
    const mean = series.find((x) => x.id === 'mean:train/q_only/acc:S')!;
    const csvMean = plotted.filter((r) => r[1] === 'train/q_only/acc' && r[2] === 'S' && r[3] === 'mean');
    expect(csvMean.map((r) => [Number(r[5]), r[6] === '' ? null : Number(r[6])])).toEqual(mean.data);
    const curve = d.panels[1]!.curves.find((c) => c.group === 'S')!;
    const hi = plotted.filter((r) => r[1] === 'train/q_only/acc' && r[2] === 'S' && r[3] === 'band_hi').map((r) => Number(r[6]));
    hi.forEach((v, i) => expect(v).toBeCloseTo(curve.hi[i] as number, 12));
    const raw = rows.filter((r) => r[0] === 'raw');
    expect(raw.length).toBe(d.panels.reduce((a, p) => a + p.curves.reduce((b, c) => b + c.runs.reduce((e, r) => e + r.x.length, 0), 0), 0));
  }, 180_000);

  it('SVG, PDF and PNG: vector with the axis labels as text, PNG at the size the DPI implies, same SVG bytes every time', async () => {
    const { s, ids } = setup();
    const spec = specOf(ids, { style: { widthIn: 3.25, heightIn: 4, title: 'Learning order, \\eta_1 = 0.1', yLabels: { 'train/q_only/acc': 'Q-only acc (\\sigma_z)' } } });
    const d = prepareFigure(s, spec);
    const svg = renderSvg(d, spec);
    expect(svg).toMatch(/^<svg width="3.25in" height="4in"/);
    expect(svgWords(svg)).toContain('iteration');
    expect(svgWords(svg)).toContain('P-only training accuracy');
    expect(svgWords(svg)).toContain('Q-only acc (σ_z)');
    expect(svgWords(svg)).toContain('η₁ = 0.1');
    expect(renderSvg(prepareFigure(s, spec), spec)).toBe(svg);
    const pdf = await renderPdf(d, spec);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf);
    expect(text).toContain('iteration');
    expect(text).toContain('P-only training accuracy');
    expect(text).toContain('η');
    const png = renderPng(d, spec, 200);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(650); // 3.25 in × 200 dpi
    expect(png.readUInt32BE(20)).toBe(800);
    const f = await renderFigure(d, spec, 'png', 300, 'My fig');
    expect(f.filename).toBe('my-fig.png');
    expect(f.bytes.readUInt32BE(16)).toBe(975);
  }, 180_000);
});
