/**
 * `lrlab figure ID|FILE.json --format svg|pdf|png|csv --out FILE [--dpi N]`: a saved figure (or
 * a figure spec file) exported through the host's renderer, the same bytes the GUI's export
 * gives; `lrlab figure --layout NAME --runs ID,ID,…` builds one from a paper layout first.
 * `--layout table` writes the summary table as LaTeX (or Markdown with --format md).
 * `--layout regime-map --tag SWEEP-TAG` (or --runs) maps a synthetic grid sweep: a heatmap per
 * quantity (svg, pdf, png), or its numbers (csv, md).
 */
import type { Command, Option } from 'commander';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Host } from '../main/host/host';
import type { RunStore } from '../../storage';
import { layoutNames, layoutSpec, TABLE_LAYOUT } from '../main/figures/layouts';
import { REGIME_LAYOUT } from '../main/figures/regime';

interface FigureCliDeps {
  storeOption: () => Option;
  withHost: <T>(opts: { store?: string }, f: (h: Host) => Promise<T>) => Promise<T>;
  resolveId: (store: RunStore, idOrPrefix: string) => string;
}

interface FigureOpts {
  format: string;
  out: string;
  dpi: string;
  layout?: string;
  runs?: string;
  tag?: string;
  store?: string;
}

function writeAtomic(file: string, bytes: Buffer | string): void {
  const tmp = `${file}.part`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

/** Ids of the live runs carrying `tag`, oldest first; an unknown tag is a clear error. */
function taggedRuns(store: RunStore, tag: string): string[] {
  const rows = store.listRuns({ tag: [tag], sortBy: 'createdAt', sortDir: 'asc', limit: 10_000 }).rows;
  if (rows.length === 0) {
    const known = store.listTags().map((t) => t.tag);
    throw new Error(`No runs carry the tag "${tag}".${known.length ? ` Tags in this store: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}.` : ' This store has no tags.'}`);
  }
  return rows.map((r) => r.id);
}

/** `--layout regime-map`: the heatmaps (svg, pdf, png) or the numbers behind them (csv, md). */
async function writeRegimeMap(store: RunStore, ids: readonly string[], o: FigureOpts, dpi: number): Promise<void> {
  const [{ regimeMapData, regimeMapOption, regimeMapSize, regimeMapCsv, regimeMapMarkdown }, { optionToSvg, svgToPdf, svgToPng }] = await Promise.all([
    import('../main/figures/regime'),
    import('../main/figures/render'),
  ]);
  const d = regimeMapData(store, ids);
  for (const n of d.notes) process.stderr.write(`note: ${n}\n`);
  const format = o.format ?? (o.out.match(/\.(svg|pdf|png|csv|md)$/)?.[1] as string | undefined) ?? 'svg';
  if (!['svg', 'pdf', 'png', 'csv', 'md'].includes(format)) throw new Error(`--layout ${REGIME_LAYOUT} writes svg, pdf, png, csv or md, not ${format}.`);
  let bytes: Buffer | string;
  if (format === 'csv') bytes = regimeMapCsv(d);
  else if (format === 'md') bytes = regimeMapMarkdown(d);
  else {
    const size = regimeMapSize(d);
    const svg = optionToSvg(regimeMapOption(d), size);
    bytes = format === 'svg' ? svg : format === 'pdf' ? await svgToPdf(svg, size, 'Regime map') : svgToPng(svg, size, dpi);
  }
  writeAtomic(o.out, bytes);
  process.stderr.write(`wrote the regime map (${d.cells.length} cells from ${ids.length} runs; axes ${d.axes.map((a) => a.path).join(', ') || 'none'}) as ${format.toUpperCase()} to ${o.out}\n`);
}

export function registerFigureCommand(program: Command, deps: FigureCliDeps): void {
  program
    .command('figure')
    .description('export a saved figure, a figure spec file, or a paper layout of runs (svg, pdf, png, csv; the table layout: tex or md)')
    .argument('[figure]', 'a saved figure id, or a figure spec file (.json)')
    .option('--format <format>', 'svg | pdf | png | csv (table layout: tex | md)')
    .requiredOption('--out <file>', 'output file')
    .option('--dpi <n>', 'PNG resolution in dots per inch', '300')
    .option('--layout <name>', `build the figure from a layout: ${layoutNames().join(', ')}`)
    .option('--runs <ids>', 'comma-separated run ids or unique prefixes (with --layout)')
    .option('--tag <tag>', 'with --layout: every run carrying this tag (a sweep tags its runs sweep-…)')
    .addOption(deps.storeOption())
    .action(async (figure: string | undefined, o: FigureOpts) => {
      const dpi = Number(o.dpi);
      if (!Number.isInteger(dpi) || dpi < 36 || dpi > 1200) throw new Error(`--dpi must be an integer from 36 to 1200, got ${o.dpi}.`);
      if (!figure && !o.layout) throw new Error('Give a saved figure id, a figure spec file, or --layout NAME --runs ID,…');
      if (figure && o.layout) throw new Error('Give either a figure (id or file) or --layout, not both.');
      if ((o.runs || o.tag) && !o.layout) throw new Error('--runs and --tag go with --layout NAME.');
      if (o.runs && o.tag) throw new Error('Give either --runs or --tag, not both.');
      // The renderer (ECharts, pdfkit, resvg) loads only for this command.
      const [{ parseFigureSpec, prepareFigure }, { renderFigure }] = await Promise.all([import('../main/figures/prepare'), import('../main/figures/render')]);
      await deps.withHost(o, async (h) => {
        let specInput: unknown;
        let name = 'figure';
        if (o.layout) {
          if (!o.runs && !o.tag) throw new Error(`--layout ${o.layout} needs --runs ID,ID,… or --tag TAG`);
          const ids = o.tag ? taggedRuns(h.store, o.tag) : (o.runs ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((i) => deps.resolveId(h.store, i));
          if (o.layout === REGIME_LAYOUT) {
            await writeRegimeMap(h.store, ids, o, dpi);
            return;
          }
          specInput = layoutSpec(o.layout, ids.map((id) => ({ id, kind: h.store.getRun(id).kind })));
          name = o.layout;
        } else if (figure && (figure.endsWith('.json') || existsSync(figure))) {
          try {
            specInput = JSON.parse(readFileSync(figure, 'utf8'));
          } catch (e) {
            throw new Error(`Cannot read the figure spec ${figure}: ${(e as Error).message}`);
          }
          name = figure.replace(/^.*\//, '').replace(/\.json$/, '');
        } else if (figure) {
          const f = h.store.getFigure(figure);
          specInput = f.spec;
          name = f.name;
        }
        const spec = parseFigureSpec(specInput);
        const data = prepareFigure(h.store, spec);
        for (const n of data.notes) process.stderr.write(`note: ${n}\n`);
        if (o.layout === TABLE_LAYOUT) {
          const fmt = o.format ?? 'tex';
          if (fmt !== 'tex' && fmt !== 'md') throw new Error(`--layout table writes LaTeX (--format tex) or Markdown (--format md), not ${fmt}.`);
          writeAtomic(o.out, fmt === 'tex' ? data.summary.latex : data.summary.markdown);
          process.stderr.write(`wrote the summary table (${data.summary.rows.length} rows) to ${o.out}\n`);
          return;
        }
        const format = o.format ?? (o.out.match(/\.(svg|pdf|png|csv)$/)?.[1] as string | undefined) ?? 'svg';
        if (!['svg', 'pdf', 'png', 'csv'].includes(format)) throw new Error(`--format must be svg, pdf, png or csv, got ${format}.`);
        const r = await renderFigure(data, spec, format as 'svg' | 'pdf' | 'png' | 'csv', dpi, name);
        writeAtomic(o.out, r.bytes);
        process.stderr.write(`wrote ${format.toUpperCase()} (${r.bytes.length} bytes) to ${o.out}\n`);
      });
    });
}
