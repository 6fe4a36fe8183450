/**
 * The summary table under a comparison: per condition and metric, the final value, the best
 * value and the value at a chosen x, each as mean ± std (n) over the condition's runs; and
 * Welch's test between two chosen conditions on the final values. Copyable as Markdown and as
 * LaTeX (booktabs).
 */
import type { FigureSummary } from '../../api/schemas';
import { meanStd, welch } from './stats';

export interface SummaryRun {
  readonly group: string;
  /** Left out of the aggregate (collapsed or by hand). */
  readonly excluded: boolean;
  /** Raw points per metric key, in x order. */
  readonly series: ReadonlyMap<string, { x: readonly number[]; y: readonly (number | null)[] }>;
}

export interface SummaryInput {
  readonly groups: readonly string[];
  readonly keys: readonly { key: string; label: string; better: 'min' | 'max' }[];
  readonly runs: readonly SummaryRun[];
  /** x (in the figure's unit) for the "at" column, or null for none. */
  readonly at: number | null;
  readonly compare: readonly [string, string] | null;
  readonly xLabel: string;
}

const finite = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** Last finite value. */
export function finalValue(y: readonly (number | null)[]): number | null {
  for (let i = y.length - 1; i >= 0; i--) if (finite(y[i])) return y[i] as number;
  return null;
}

export function bestValue(y: readonly (number | null)[], better: 'min' | 'max'): number | null {
  let b: number | null = null;
  for (const v of y) if (finite(v) && (b === null || (better === 'min' ? v < b : v > b))) b = v;
  return b;
}

/** The value of the last point at or before x (null if the series starts after x). */
export function valueAt(s: { x: readonly number[]; y: readonly (number | null)[] }, x: number): number | null {
  let v: number | null = null;
  for (let i = 0; i < s.x.length && (s.x[i] as number) <= x; i++) v = finite(s.y[i]) ? (s.y[i] as number) : null;
  return v;
}

/** Which way is better for a metric key when the registry does not say: losses and errors down. */
export function guessBetter(key: string): 'min' | 'max' {
  return /loss|err|nll|ce\b/i.test(key) ? 'min' : 'max';
}

/** A number with `digits` significant digits, no exponent for ordinary magnitudes. */
export function sig(v: number | null, digits = 4): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

function cell(values: number[]): { mean: number | null; std: number | null; n: number } {
  const m = meanStd(values);
  return { mean: m.n ? m.mean : null, std: m.n ? m.std : null, n: m.n };
}

const cellText = (c: { mean: number | null; std: number | null; n: number } | null): string =>
  c === null || c.mean === null ? '—' : `${sig(c.mean)} ± ${sig(c.std ?? 0, 2)} (${c.n})`;

const latexEscape = (s: string): string => s.replace(/\\/g, '\\textbackslash{}').replace(/([&%$#_{}])/g, '\\$1').replace(/~/g, '\\textasciitilde{}').replace(/\^/g, '\\textasciicircum{}');

const cellLatex = (c: { mean: number | null; std: number | null; n: number } | null): string =>
  c === null || c.mean === null ? '--' : `$${sig(c.mean)} \\pm ${sig(c.std ?? 0, 2)}$ (${c.n})`;

const mdEscape = (s: string): string => s.replace(/\|/g, '\\|');

export function buildSummary(input: SummaryInput): FigureSummary {
  const rows: FigureSummary['rows'] = [];
  const finals = new Map<string, number[]>();
  for (const g of input.groups) {
    const runs = input.runs.filter((r) => r.group === g && !r.excluded);
    for (const k of input.keys) {
      const f: number[] = [];
      const b: number[] = [];
      const a: number[] = [];
      for (const r of runs) {
        const s = r.series.get(k.key);
        if (!s) continue;
        const fv = finalValue(s.y);
        if (fv !== null) f.push(fv);
        const bv = bestValue(s.y, k.better);
        if (bv !== null) b.push(bv);
        if (input.at !== null) {
          const av = valueAt(s, input.at);
          if (av !== null) a.push(av);
        }
      }
      finals.set(`${g}\u0000${k.key}`, f);
      rows.push({ group: g, key: k.key, final: cell(f), best: cell(b), at: input.at === null ? null : cell(a) });
    }
  }
  const tests: FigureSummary['tests'] = [];
  if (input.compare) {
    const [ga, gb] = input.compare;
    for (const k of input.keys) {
      const w = welch(finals.get(`${ga}\u0000${k.key}`) ?? [], finals.get(`${gb}\u0000${k.key}`) ?? []);
      const n = (v: number): number | null => (Number.isFinite(v) ? v : null);
      tests.push({ key: k.key, a: ga, b: gb, diff: n(w.diff), lo: n(w.lo), hi: n(w.hi), t: n(w.t), df: n(w.df), p: n(w.p) });
    }
  }
  const labelOf = (key: string): string => input.keys.find((k) => k.key === key)?.label ?? key;
  const atHead = input.at === null ? [] : [`at ${input.xLabel} ${sig(input.at, 6)}`];
  const head = ['condition', 'metric', 'final', 'best', ...atHead];
  const md: string[] = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const tex: string[] = [
    '\\begin{tabular}{ll' + 'r'.repeat(head.length - 2) + '}',
    '\\toprule',
    head.map(latexEscape).join(' & ') + ' \\\\',
    '\\midrule',
  ];
  for (const r of rows) {
    const cells = [r.group, labelOf(r.key)];
    md.push(`| ${[...cells.map(mdEscape), cellText(r.final), cellText(r.best), ...(input.at === null ? [] : [cellText(r.at)])].join(' | ')} |`);
    tex.push([...cells.map(latexEscape), cellLatex(r.final), cellLatex(r.best), ...(input.at === null ? [] : [cellLatex(r.at)])].join(' & ') + ' \\\\');
  }
  tex.push('\\bottomrule', '\\end{tabular}');
  if (tests.length) {
    md.push('', '| metric | difference (final) | 95 % CI | Welch t | df | p |', '|---|---|---|---|---|---|');
    tex.push('', '\\begin{tabular}{lrrrrr}', '\\toprule', 'metric & difference (final) & 95\\,\\% CI & Welch $t$ & df & $p$ \\\\', '\\midrule');
    for (const t of tests) {
      const name = `${labelOf(t.key)}: ${t.a} − ${t.b}`;
      md.push(`| ${mdEscape(name)} | ${sig(t.diff)} | [${sig(t.lo)}, ${sig(t.hi)}] | ${sig(t.t, 3)} | ${sig(t.df, 3)} | ${sig(t.p, 2)} |`);
      tex.push(`${latexEscape(`${labelOf(t.key)}: ${t.a} - ${t.b}`)} & $${sig(t.diff)}$ & $[${sig(t.lo)}, ${sig(t.hi)}]$ & $${sig(t.t, 3)}$ & $${sig(t.df, 3)}$ & $${sig(t.p, 2)}$ \\\\`);
    }
    tex.push('\\bottomrule', '\\end{tabular}');
  }
  return { rows, tests, markdown: md.join('\n') + '\n', latex: tex.join('\n') + '\n' };
}
