/**
 * `lrlab figure ID|FILE.json --format svg|pdf|png|csv --out FILE [--dpi N]`: a saved figure (or
 * a figure spec file) exported through the host's renderer, the same bytes the GUI's export
 * gives; `lrlab figure --layout NAME --runs ID,ID,…` builds one from a paper layout first.
 * `--layout table` writes the summary table as LaTeX (or Markdown with --format md).
 * `--layout regime-map --tag SWEEP-TAG` (or --runs) maps a synthetic grid sweep: a heatmap per
 * quantity (svg, pdf, png), or its numbers (csv, md).
 */
import type { Command, Option } from 'commander';
import { accessSync, constants, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
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

/** Why a file cannot be written there, in words, with what to do; null when it can. */
export function unwritableReason(file: string): string | null {
  const abs = resolve(file);
  const dir = dirname(abs);
  try {
    if (statSync(abs).isDirectory()) return `--out ${file} is a folder: give a file name in it, e.g. ${file.replace(/\/$/, '')}/figure.svg.`;
  } catch {
    // does not exist yet: fine
  }
  try {
    if (!statSync(dir).isDirectory()) return `Cannot write ${file}: ${dir} is not a folder. Give --out a path in an existing folder.`;
  } catch {
    return `Cannot write ${file}: the folder ${dir} does not exist. Create it (mkdir -p ${dir}) or give --out a path in an existing folder.`;
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return `Cannot write ${file}: no permission to write in ${dir}. Give --out a path in a folder you can write to.`;
  }
  return null;
}

/** Writes through a temporary file and a rename, so a failed write never leaves half a figure; errors say what to do. */
function writeAtomic(file: string, bytes: Buffer | string): void {
  const tmp = `${file}.part`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    const why = unwritableReason(file);
    throw new Error(why ?? `Cannot write ${file}: ${(e as Error).message}. Check the disk has room and give --out another path if it persists.`);
  }
}

/**
 * The output format: --format when given (one of `allowed`), else the --out file's extension.
 * A known extension that disagrees with --format (PNG bytes in x.svg) and an extension that
 * names no format (x.gif) without --format are errors, never a file of the wrong kind.
 */
export function outputFormat(out: string, given: string | undefined, allowed: readonly string[], what: string): string {
  const ext = extname(out).slice(1).toLowerCase();
  const list = allowed.join(', ');
  if (given !== undefined) {
    if (!allowed.includes(given)) throw new Error(`${what} writes ${list}, not --format ${given}.`);
    if (KNOWN_EXTENSIONS.includes(ext) && ext !== given) throw new Error(`--format ${given} but --out ${out} ends in .${ext}: make them agree (e.g. --out ${out.slice(0, -ext.length)}${given}).`);
    return given;
  }
  if (allowed.includes(ext)) return ext;
  throw new Error(`Cannot tell the format from --out ${out}: ${what} writes ${list}. Give --format or end the file name in ${allowed.map((a) => `.${a}`).join(', ')}.`);
}
const KNOWN_EXTENSIONS = ['svg', 'pdf', 'png', 'csv', 'tex', 'md', 'json', 'jpg', 'jpeg', 'gif'];
const FIGURE_FORMATS = ['svg', 'pdf', 'png', 'csv'] as const;
const TABLE_FORMATS = ['tex', 'md'] as const;
const REGIME_FORMATS = ['svg', 'pdf', 'png', 'csv', 'md'] as const;

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
async function writeRegimeMap(store: RunStore, ids: readonly string[], o: FigureOpts, format: string, dpi: number): Promise<void> {
  const [{ regimeMapData, regimeMapOption, regimeMapSize, regimeMapCsv, regimeMapMarkdown }, { optionToSvg, svgToPdf, svgToPng }] = await Promise.all([
    import('../main/figures/regime'),
    import('../main/figures/render'),
  ]);
  const d = regimeMapData(store, ids);
  for (const n of d.notes) process.stderr.write(`note: ${n}\n`);
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
      // Where and in what format, checked before any work: a wrong --out is found in a second, not after rendering.
      const format =
        o.layout === REGIME_LAYOUT
          ? outputFormat(o.out, o.format, REGIME_FORMATS, `--layout ${REGIME_LAYOUT}`)
          : o.layout === TABLE_LAYOUT
            ? outputFormat(o.out, o.format, TABLE_FORMATS, `--layout ${TABLE_LAYOUT} (the summary table as LaTeX or Markdown)`)
            : outputFormat(o.out, o.format, FIGURE_FORMATS, 'lrlab figure');
      const unwritable = unwritableReason(o.out);
      if (unwritable) throw new Error(unwritable);
      // The renderer (ECharts, pdfkit, resvg) loads only for this command.
      const [{ parseFigureSpec, prepareFigure }, { renderFigure }] = await Promise.all([import('../main/figures/prepare'), import('../main/figures/render')]);
      await deps.withHost(o, async (h) => {
        let specInput: unknown;
        let name = 'figure';
        if (o.layout) {
          if (!o.runs && !o.tag) throw new Error(`--layout ${o.layout} needs --runs ID,ID,… or --tag TAG`);
          const ids = o.tag ? taggedRuns(h.store, o.tag) : (o.runs ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((i) => deps.resolveId(h.store, i));
          if (o.layout === REGIME_LAYOUT) {
            await writeRegimeMap(h.store, ids, o, format, dpi);
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
          const f = h.store.listFigures().find((x) => x.id === figure) ?? null;
          if (!f) {
            const saved = h.store.listFigures();
            throw new Error(
              `No saved figure "${figure}" in ${h.store.file}, and no file by that name. Give a saved figure's id (the comparison view's "Save as figure" shows it) or a figure spec file (.json).` +
                (saved.length ? ` Saved figures: ${saved.slice(0, 10).map((x) => `${x.id} (${x.name})`).join(', ')}${saved.length > 10 ? ', …' : ''}.` : ' This store has no saved figures.'),
            );
          }
          specInput = f.spec;
          name = f.name;
        }
        const spec = parseFigureSpec(specInput);
        const data = prepareFigure(h.store, spec);
        for (const n of data.notes) process.stderr.write(`note: ${n}\n`);
        // A panel no run records is a typo or the wrong runs: an empty panel on paper is never what was meant.
        const missing = data.panels.filter((p) => p.curves.length === 0 && !data.availableKeys.includes(p.key)).map((p) => p.key);
        if (missing.length) {
          throw new Error(`None of the figure's ${data.runs.length} runs records ${missing.map((k) => `"${k}"`).join(', ')}. Metrics these runs have: ${data.availableKeys.join(', ') || 'none'}. Fix the spec's panels (or leave them out for the kind's default).`);
        }
        if (o.layout === TABLE_LAYOUT) {
          writeAtomic(o.out, format === 'tex' ? data.summary.latex : data.summary.markdown);
          process.stderr.write(`wrote the summary table (${data.summary.rows.length} rows) to ${o.out}\n`);
          return;
        }
        const r = await renderFigure(data, spec, format as 'svg' | 'pdf' | 'png' | 'csv', dpi, name);
        writeAtomic(o.out, r.bytes);
        process.stderr.write(`wrote ${format.toUpperCase()} (${r.bytes.length} bytes) to ${o.out}\n`);
      });
    });
}
