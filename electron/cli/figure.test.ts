/** `lrlab figure` end to end on a temporary store with toy runs (run from source through tsx). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openStore } from '../../storage';
import { seedComparisonRuns, seedRegimeGrid } from '../main/figures/fixtures';
import { createFiguresService } from '../main/services/figures';
import { outputFormat, unwritableReason } from './figure';

const exec = promisify(execFile);
let dir: string;
let store: string;
let toy: string[];
let image: string[];
let figureId: string;
let guiSvg: string;

async function lrlab(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await exec(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], {
      env: { ...process.env, LRLAB_HOME: dir, LRLAB_STORE: store },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ...r, code: 0 };
  } catch (e) {
    const x = e as { stdout: string; stderr: string; code: number };
    return { stdout: x.stdout, stderr: x.stderr, code: x.code };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lrlab-fig-'));
  store = join(dir, 'runs.sqlite');
  const s = openStore(store);
  toy = seedComparisonRuns(s, { points: 300 });
  seedRegimeGrid(s, 'sweep-grid');
  image = seedComparisonRuns(s, {
    presets: ['patch-fmnist-large-lr', 'patch-fmnist-small-lr', 'patch-fmnist-noise'],
    points: 100,
    keys: ['val/clean/acc', 'val/patch_only/acc', 'train/loss'],
  });
  // The GUI's path: figures.save, then figures.render (what the export button calls).
  const svc = createFiguresService(s);
  const saved = await svc.save({ name: 'Toy learning order', spec: { runs: toy, panels: ['train/p_only/acc', 'train/q_only/acc'], smoothing: 0.5, band: 'ci95' } });
  figureId = saved.id;
  guiSvg = (await svc.render({ spec: saved.spec, format: 'svg', dpi: 300 })).content;
  s.close();
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lrlab figure', () => {
  it('a saved figure gives the same SVG bytes as the GUI export', async () => {
    const out = join(dir, 'saved.svg');
    const r = await lrlab('figure', figureId, '--format', 'svg', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(guiSvg);
  }, 300_000);

  it('a figure spec file, as PNG at a chosen DPI and as PDF', async () => {
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify({ runs: toy.slice(0, 2), panels: ['train/loss'], style: { widthIn: 3.25, aspect: 1.625 } }));
    const png = join(dir, 'f.png');
    expect((await lrlab('figure', file, '--format', 'png', '--dpi', '100', '--out', png)).code).toBe(0);
    const b = readFileSync(png);
    expect(b.readUInt32BE(16)).toBe(325);
    const pdf = join(dir, 'f.pdf');
    expect((await lrlab('figure', file, '--out', pdf)).code).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  }, 300_000);

  it('every layout works: learning-order (toy), paper-fig3 (image), table', async () => {
    const lo = join(dir, 'lo.svg');
    let r = await lrlab('figure', '--layout', 'learning-order', '--runs', toy.map((i) => i.slice(0, 8)).join(','), '--format', 'svg', '--out', lo);
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(lo, 'utf8');
    expect(svg).toContain('P-only training accuracy');
    expect(svg).toContain('L-S (n=2)');
    const f3 = join(dir, 'fig3.pdf');
    r = await lrlab('figure', '--layout', 'paper-fig3', '--runs', image.join(','), '--format', 'pdf', '--out', f3);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(f3).subarray(0, 5).toString()).toBe('%PDF-');
    const f3svg = join(dir, 'fig3.svg');
    await lrlab('figure', '--layout', 'paper-fig3', '--runs', image.join(','), '--out', f3svg);
    const s3 = readFileSync(f3svg, 'utf8');
    expect(s3).toContain('clean validation accuracy');
    expect(s3).toContain('small LR + noise');
    expect(s3).toContain('>epoch<');
    const tex = join(dir, 'table.tex');
    r = await lrlab('figure', '--layout', 'table', '--runs', toy.join(','), '--out', tex);
    expect(r.code, r.stderr).toBe(0);
    const t = readFileSync(tex, 'utf8');
    expect(t).toContain('\\toprule');
    expect(t).toMatch(/S\+noise & P-only test error & \$[0-9.]+ \\pm/);
  }, 300_000);

  it('regime-map: the runs of a sweep by tag → heatmaps (SVG, PDF) and their numbers (CSV); bad selections are clear errors', async () => {
    const svgOut = join(dir, 'map.svg');
    let r = await lrlab('figure', '--layout', 'regime-map', '--tag', 'sweep-grid', '--out', svgOut);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/4 cells from 36 runs; axes data\.r, model\.width/);
    const svg = readFileSync(svgOut, 'utf8');
    expect(svg).toContain('Q before P (S)');
    expect(svg).toContain('+0.052*');
    const pdf = join(dir, 'map.pdf');
    expect((await lrlab('figure', '--layout', 'regime-map', '--tag', 'sweep-grid', '--out', pdf)).code).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const csv = join(dir, 'map.csv');
    expect((await lrlab('figure', '--layout', 'regime-map', '--tag', 'sweep-grid', '--out', csv)).code).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(/^data\.r,model\.width,algorithm,runs,/);
    r = await lrlab('figure', '--layout', 'regime-map', '--tag', 'no-such-sweep', '--out', join(dir, 'x.svg'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/No runs carry the tag "no-such-sweep"\. Tags in this store: sweep-grid/);
    r = await lrlab('figure', '--layout', 'regime-map', '--runs', image.join(','), '--out', join(dir, 'x.svg'));
    expect(r.stderr).toMatch(/maps synthetic runs/);
  }, 300_000);

  it('says what is wrong: an unknown layout, a layout for another kind, a bad DPI', async () => {
    let r = await lrlab('figure', '--layout', 'fig9', '--runs', toy[0] as string, '--out', join(dir, 'x.svg'));
    expect(r.code).not.toBe(0);
    // The registry lists the kinds (and so their layouts) in the designer's order: synthetic, then image.
    expect(r.stderr).toMatch(/No layout "fig9"\. Layouts: learning-order, regime-map, paper-fig3, table/);
    r = await lrlab('figure', '--layout', 'paper-fig3', '--runs', toy.join(','), '--out', join(dir, 'x.svg'));
    expect(r.stderr).toMatch(/Layout paper-fig3 is for image runs; these runs are synthetic \(its layouts: learning-order, regime-map, table\)/);
    r = await lrlab('figure', figureId, '--dpi', '5', '--out', join(dir, 'x.png'));
    expect(r.stderr).toMatch(/--dpi must be an integer from 36 to 1200/);
  }, 300_000);

  it('bad input says what was wrong and what to do, and writes nothing: missing runs, formats, out paths, panels, figure ids', async () => {
    const runs = toy.join(',');
    const fails = async (args: string[], re: RegExp): Promise<void> => {
      const r = await lrlab('figure', ...args);
      expect(r.code, `${args.join(' ')} → ${r.stderr}`).not.toBe(0);
      expect(r.stderr).toMatch(re);
    };
    await fails(['--layout', 'learning-order', '--runs', `${toy[0]},deadbeef`, '--out', join(dir, 'a.svg')], /No run "deadbeef" in .*`lrlab list` shows the runs there/);
    // A file of the wrong kind is never written (this used to write SVG into a.gif, LaTeX into table.svg).
    await fails(['--layout', 'learning-order', '--runs', runs, '--out', join(dir, 'a.gif')], /Cannot tell the format from --out .*a\.gif: lrlab figure writes svg, pdf, png, csv\. Give --format or end the file name in \.svg, \.pdf, \.png, \.csv/);
    // A missing folder (this used to print a raw ENOENT naming a .part file).
    await fails(['--layout', 'learning-order', '--runs', runs, '--out', join(dir, 'no', 'such', 'a.svg')], /the folder .*no\/such does not exist\. Create it \(mkdir -p .*\) or give --out a path in an existing folder/);
    // A panel no run records (this used to write a figure with an empty panel), and an unknown saved figure.
    const spec = join(dir, 'typo.json');
    writeFileSync(spec, JSON.stringify({ runs: toy, panels: ['train/p_only/accc'] }));
    await fails([spec, '--out', join(dir, 'typo.svg')], /None of the figure's 6 runs records "train\/p_only\/accc"\. Metrics these runs have: test\/p_only\/err, train\/loss, train\/p_only\/acc, train\/q_only\/acc/);
    await fails(['nofigure', '--out', join(dir, 'x.svg')], new RegExp(`No saved figure "nofigure" in .*Give a saved figure's id .* or a figure spec file \\(\\.json\\)\\. Saved figures: ${figureId} \\(Toy learning order\\)`));
    expect(['a.gif', 'a.svg', 'typo.svg', 'x.svg'].filter((f) => existsSync(join(dir, f)))).toEqual([]);
  }, 300_000);

  it('the output format comes from --format or the extension, and they must agree; the out path is checked first', () => {
    expect(outputFormat('f.PDF', undefined, ['svg', 'pdf'], 'x')).toBe('pdf');
    expect(outputFormat('f', 'svg', ['svg', 'pdf'], 'x')).toBe('svg');
    expect(outputFormat('f.out', 'svg', ['svg', 'pdf'], 'x')).toBe('svg');
    expect(() => outputFormat('f.svg', 'png', ['svg', 'png'], 'lrlab figure')).toThrow(/--format png but --out f\.svg ends in \.svg: make them agree \(e\.g\. --out f\.png\)/);
    expect(() => outputFormat('f', 'jpg', ['svg', 'png'], 'lrlab figure')).toThrow(/lrlab figure writes svg, png, not --format jpg/);
    expect(() => outputFormat('t.svg', undefined, ['tex', 'md'], '--layout table')).toThrow(/Cannot tell the format from --out t\.svg: --layout table writes tex, md\. Give --format or end the file name in \.tex, \.md/);
    expect(() => outputFormat('noext', undefined, ['svg'], 'lrlab figure')).toThrow(/Cannot tell the format/);
    expect(unwritableReason(join(dir, 'fine.svg'))).toBeNull();
    expect(unwritableReason(dir)).toMatch(/is a folder: give a file name in it/);
    expect(unwritableReason(join(dir, 'nope', 'f.svg'))).toMatch(/the folder .*nope does not exist/);
    writeFileSync(join(dir, 'plain'), 'x');
    expect(unwritableReason(join(dir, 'plain', 'f.svg'))).toMatch(/plain is not a folder/);
  });
});
