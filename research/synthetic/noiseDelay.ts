/**
 * Does pre-activation noise delay fitting Q? Calibration of the S+noise toy preset (issue 17
 * item 8; docs/science.md, "Synthetic pre-activation noise"; write-up research/synthetic/NOISE_DELAY.md).
 *
 * A candidate is a setting shared by S and S+noise (data.r and the run length) and a noise arm
 * (τ, draw, anneal iteration) applied to S+noise only; both arms keep everything else of toy-s /
 * toy-noise. Every run goes to the setting's run length and keeps its whole curve under
 * research/synthetic/data/noise-cal/; shorter horizons H are read off the same curves (a run's
 * first H iterations do not depend on its maxIterations: no stopping rule fires at these losses).
 *
 * Per seed, "Q fitted at" is the first logged iteration from which train/q_only/acc stays ≥ 0.95
 * up to H (a touch that is lost again does not count); a run whose Q-only accuracy is below 0.95
 * at H is censored at H ("≥ H"). Censoring is handled honestly:
 *  - the paired sign test uses only the sign of noise − S, which a censored value still fixes
 *    (S fitted at t < H, S+noise not by H ⇒ delayed); pairs where both are censored are ties and
 *    are dropped;
 *  - the Wilcoxon signed-rank test uses min(t, H): a censored delay is a lower bound;
 *  - and an uncensored quantity: the Q-only training loss at the anneal (iteration 3000).
 *
 *   nice -n 10 npx tsx research/synthetic/noiseDelay.ts --cands r1:pe3,r1:sh3 --seeds 1-10 \
 *     [--run] [--horizons 6000,8000,10000] [--per-seed CAND,...] [--title T] [--confirm]
 *     [--md research/synthetic/NOISE_DELAY.md --section NAME] [--backend wasm]
 *
 * --confirm: fresh seeds for a chosen candidate; says whether it passes the rule again instead of choosing.
 *
 * Seed-major (every run of seed 1 before any of seed 2), so a partial run still pairs seeds; a kept
 * run is never re-run; S runs are shared by every candidate of the same setting.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveRunSpec } from '../../engine/cli';
import { fmtMeanStd, fmtP, mean, median, signTest, std, wilcoxonSignedRank } from '../lib/stats';
import type { CollectedRun } from './collect';
import { curve, DATA_DIR, runAndKeep, valueAt } from './collect';

export const FIT = 0.95;
export const LOG_EVERY = 100;
/** Horizons H at which every candidate is judged (those ≤ its run length). */
export const HORIZONS = [6000, 8000, 10_000, 12_000];

export interface Part {
  readonly id: string;
  readonly label: string;
  readonly set: readonly string[];
}
export interface Setting extends Part {
  /** Iterations of every run of this setting. */
  readonly runH: number;
}
export interface Noise extends Part {
  /** The iteration from which the noise is 0 (toy-noise: 3000). */
  readonly annealAt: number;
}

/** Settings shared by S and S+noise. At the paper's r = d^-3/4 no algorithm fits Q (engine/experiments/synthetic/RESULTS.md). */
export const SETTINGS: readonly Setting[] = [
  { id: 'r1', label: 'r = 1, 10 000 it.', set: ['data.r=1'], runH: 10_000 },
  { id: 'r1-12k', label: 'r = 1, 12 000 it.', set: ['data.r=1'], runH: 12_000 },
  // The toy presets' own 6 000 iterations: for confirming a candidate chosen at H = 6 000.
  { id: 'r1-6k', label: 'r = 1, 6 000 it.', set: ['data.r=1'], runH: 6000 },
];

const noise = (id: string, tau: number, draw: 'shared' | 'per-example', annealAt: number): Noise => ({
  id,
  label: `${draw} τ ${tau}, anneal ${annealAt}`,
  set: [`algorithm.noiseTau0=${tau}`, `algorithm.noiseDraw=${draw}`, `algorithm.annealAt=${annealAt}`],
  annealAt,
});

/** Noise arms (S+noise only). */
export const NOISES: readonly Noise[] = [
  noise('sh01', 0.1, 'shared', 3000),
  noise('sh3', 3, 'shared', 3000),
  noise('sh3a5', 3, 'shared', 5000),
  noise('pe1', 1, 'per-example', 3000),
  noise('pe3', 3, 'per-example', 3000),
  noise('pe3a5', 3, 'per-example', 5000),
];

export interface Candidate {
  readonly setting: Setting;
  readonly noise: Noise;
}

export function candidate(id: string): Candidate {
  const [s, n] = id.split(':');
  const setting = SETTINGS.find((x) => x.id === s);
  const noise = NOISES.find((x) => x.id === n);
  if (!setting || !noise) throw new Error(`unknown candidate "${id}": use SETTING:NOISE with SETTING in ${SETTINGS.map((x) => x.id).join('/')} and NOISE in ${NOISES.map((x) => x.id).join('/')}`);
  return { setting, noise };
}

export const candId = (c: Candidate) => `${c.setting.id}:${c.noise.id}`;
const candLabel = (c: Candidate) => `${c.setting.label}, S+noise ${c.noise.label}`;

/** The kept-curve file of one run (S: noise null). Same layout as `collect.ts --tag noise-cal/<r>-h<run length>-<arm>`. */
export function fileOf(setting: Setting, noise: Noise | null, seed: number): string {
  return join(DATA_DIR, 'noise-cal', `${setting.id.split('-')[0]}-h${setting.runH}-${noise ? noise.id : 'S'}`, `s${seed}.json`);
}

export function specOf(setting: Setting, noise: Noise | null, seed: number) {
  const set = [...setting.set, `stopping.maxIterations=${setting.runH}`, `logging.every=${LOG_EVERY}`, ...(noise ? noise.set : [])];
  return resolveRunSpec({ preset: noise ? 'toy-noise' : 'toy-s', seed, set });
}

export interface QFit {
  /** The first logged iteration from which train/q_only/acc stays ≥ FIT up to h; h when censored. */
  readonly at: number;
  /** Q-only accuracy is below FIT at h (not fitted within the horizon). */
  readonly censored: boolean;
  /** The first logged iteration ≤ h at which it touched FIT at all (a noisy run can touch and lose it); null: never. */
  readonly touched: number | null;
}

/**
 * When Q is fitted, within the horizon h: the start of the last stretch of logged steps ≤ h with
 * train/q_only/acc ≥ FIT that lasts to h. A touch that is lost again (under noise the weights can
 * cross the threshold and fall back) does not count as fitting Q.
 */
export function qFitAt(run: CollectedRun, h: number): QFit {
  const pts = curve(run, 'train/q_only/acc').filter(([s]) => s <= h);
  const touched = pts.find(([, v]) => v !== null && v >= FIT)?.[0] ?? null;
  let at: number | null = null;
  for (const [s, v] of pts) {
    if (v !== null && v >= FIT) at ??= s;
    else at = null;
  }
  return at === null ? { at: h, censored: true, touched } : { at, censored: false, touched };
}

export interface PairRow {
  readonly seed: number;
  readonly s: QFit;
  readonly n: QFit;
  /** Q-only training loss at the anneal, S and S+noise. */
  readonly lossS: number;
  readonly lossN: number;
  readonly errS: number;
  readonly errN: number;
}

export interface Summary {
  readonly h: number;
  readonly seeds: number;
  readonly sFitted: number;
  readonly nFitted: number;
  readonly delayed: number;
  readonly earlier: number;
  readonly tied: number;
  readonly sign: number;
  readonly wilcoxon: number;
  readonly medianDelay: number;
  readonly lossDelta: readonly number[];
  readonly lossHigher: number;
  readonly lossWilcoxon: number;
  /** The same order by the first touch of the threshold (a touch that is lost again counts): later, earlier, tied, sign p. */
  readonly byTouch: readonly [number, number, number, number];
  readonly rows: readonly PairRow[];
}

export function pairRows(sRuns: readonly CollectedRun[], nRuns: readonly CollectedRun[], h: number, annealAt = 3000): PairRow[] {
  const rows: PairRow[] = [];
  for (const y of sRuns) {
    const x = nRuns.find((r) => r.seed === y.seed);
    if (!x || x.steps < h || y.steps < h) continue;
    rows.push({
      seed: y.seed,
      s: qFitAt(y, h),
      n: qFitAt(x, h),
      lossS: valueAt(y, 'train/q_only/loss', annealAt) ?? Number.NaN,
      lossN: valueAt(x, 'train/q_only/loss', annealAt) ?? Number.NaN,
      errS: valueAt(y, 'test/p_only/err', h) ?? Number.NaN,
      errN: valueAt(x, 'test/p_only/err', h) ?? Number.NaN,
    });
  }
  return rows.sort((a, b) => a.seed - b.seed);
}

export function summarize(rows: readonly PairRow[], h: number): Summary {
  const sign = (r: PairRow) => (r.s.censored && r.n.censored ? 0 : Math.sign(r.n.at - r.s.at));
  const delayed = rows.filter((r) => sign(r) > 0).length;
  const earlier = rows.filter((r) => sign(r) < 0).length;
  const d = rows.map((r) => r.n.at - r.s.at);
  const lossDelta = rows.map((r) => r.lossN - r.lossS);
  const touchSign = (r: PairRow) => (r.s.touched === null && r.n.touched === null ? 0 : Math.sign((r.n.touched ?? h + 1) - (r.s.touched ?? h + 1)));
  const tLater = rows.filter((r) => touchSign(r) > 0).length;
  const tEarlier = rows.filter((r) => touchSign(r) < 0).length;
  return {
    h,
    seeds: rows.length,
    sFitted: rows.filter((r) => !r.s.censored).length,
    nFitted: rows.filter((r) => !r.n.censored).length,
    delayed,
    earlier,
    tied: rows.length - delayed - earlier,
    sign: signTest(delayed, earlier).p,
    wilcoxon: wilcoxonSignedRank(d).p,
    medianDelay: median(d),
    lossDelta,
    lossHigher: lossDelta.filter((x) => x > 0).length,
    lossWilcoxon: wilcoxonSignedRank(lossDelta).p,
    byTouch: [tLater, tEarlier, rows.length - tLater - tEarlier, signTest(tLater, tEarlier).p],
    rows,
  };
}

/**
 * The calibration's rule: a candidate passes at horizon H when S fits Q within H on ≥ 90 % of
 * the seeds, S+noise is later on ≥ 80 % of them and also fits Q within H on ≥ 80 % (a delay,
 * not a block), and the two-sided sign test gives p < 0.05. Among passing (candidate, H): the
 * paper's shared draw before per-example, then the shortest H, then the smallest τ (listed order
 * of NOISES). (The "S+noise also fits" clause was added after calibration seeds 1–3, before 4–10;
 * research/synthetic/NOISE_DELAY.md.)
 */
export function passes(s: Summary): boolean {
  return s.seeds > 0 && s.sFitted >= 0.9 * s.seeds && s.nFitted >= 0.8 * s.seeds && s.delayed >= 0.8 * s.seeds && s.sign < 0.05;
}

export function choose(results: readonly { cand: Candidate; s: Summary }[]): { cand: Candidate; s: Summary } | null {
  const ok = results.filter((r) => passes(r.s));
  const shared = (c: Candidate) => (c.noise.set.includes('algorithm.noiseDraw=shared') ? 0 : 1);
  ok.sort((a, b) => shared(a.cand) - shared(b.cand) || a.s.h - b.s.h || NOISES.indexOf(a.cand.noise) - NOISES.indexOf(b.cand.noise));
  return ok[0] ?? null;
}

const fit = (q: QFit) => `${q.censored ? '≥ ' : ''}${q.at}${q.touched !== null && q.touched < q.at ? ` (touched ${q.touched})` : ''}`;

export function markdown(results: readonly { cand: Candidate; s: Summary }[], cmd: string, title: string, perSeed: readonly Candidate[], confirm = false): string {
  const lines = [
    `### ${title}`,
    '',
    `Generated by \`${cmd}\`.`,
    '',
    `Both arms: toy-s / toy-noise (d 64, N 256, m 256, λ d^-5/4, η2 0.02, τ_ξ 0.02, stationary τ0 at η1 0.5, full batch) with the setting's overrides (r, run length), logged every ${LOG_EVERY}; S+noise's noise is annealed at the candidate's iteration. "Q fitted at": first logged iteration from which train/q_only/acc stays ≥ ${FIT} up to H ("touched": an earlier crossing that was lost again); "≥ H": below ${FIT} at H. "By first touch": the same order judged by the first crossing, lost or not (a robustness check; not the rule). Sign test: two-sided, exact, over the seeds where the order is known (both censored = tie, dropped). Wilcoxon: exact signed-rank on the paired difference of min(t, H), S+noise − S (censored delays are lower bounds). Q-only loss: train/q_only/loss at the noise anneal (noise − S). Pass: S fits Q by H on ≥ 90 % of seeds, S+noise fits Q by H on ≥ 80 % and later than S on ≥ 80 %, sign-test p < 0.05.`,
    '',
    '| candidate | H | seeds | S fits Q by H | S+noise fits Q by H | later / earlier / tied | sign p | median delay | Wilcoxon p | Q-only loss at the anneal, noise − S | higher on | Wilcoxon p | P-only err @ H: S | S+noise | by first touch: later / earlier / tied, sign p | pass |',
    `|${' --- |'.repeat(16)}`,
  ];
  for (const { cand, s } of results) {
    const errS = s.rows.map((r) => r.errS);
    const errN = s.rows.map((r) => r.errN);
    lines.push(
      `| ${candLabel(cand)} | ${s.h} | ${s.seeds} | ${s.sFitted}/${s.seeds} | ${s.nFitted}/${s.seeds} | ${s.delayed} / ${s.earlier} / ${s.tied} | ${fmtP(s.sign)} | ${s.seeds ? s.medianDelay.toFixed(0) : '—'} | ${fmtP(s.wilcoxon)} | ${s.seeds ? `${mean(s.lossDelta).toFixed(4)} ± ${std(s.lossDelta).toFixed(4)}` : '—'} | ${s.lossHigher}/${s.seeds} | ${fmtP(s.lossWilcoxon)} | ${fmtMeanStd(errS, 4)} | ${fmtMeanStd(errN, 4)} | ${s.byTouch[0]} / ${s.byTouch[1]} / ${s.byTouch[2]}, ${fmtP(s.byTouch[3])} | ${passes(s) ? 'yes' : 'no'} |`,
    );
  }
  if (confirm) {
    // Fresh seeds: the chosen candidate either passes the same rule again or it does not.
    lines.push('', ...results.map(({ cand, s }) => `${passes(s) ? 'Confirmed' : '**Not confirmed**'} on these seeds: ${candLabel(cand)}, H = ${s.h} ${passes(s) ? 'passes' : 'does not pass'} the rule.`));
  } else {
    const chosen = choose(results);
    lines.push('', chosen ? `Chosen by the rule: **${candLabel(chosen.cand)}, H = ${chosen.s.h}**.` : 'No candidate passes the rule.');
  }
  for (const c of perSeed) {
    const longest = results.filter((r) => candId(r.cand) === candId(c)).sort((a, b) => b.s.h - a.s.h)[0];
    if (!longest) continue;
    lines.push(
      '',
      `Per seed, ${candLabel(c)} (H = ${longest.s.h}):`,
      '',
      '| seed | S: Q fitted at | S+noise: Q fitted at | delay | Q-only loss at the anneal: S | S+noise | P-only err @ H: S | S+noise |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...longest.s.rows.map(
        (r) =>
          `| ${r.seed} | ${fit(r.s)} | ${fit(r.n)} | ${r.s.censored && r.n.censored ? '?' : `${r.n.censored ? '≥ ' : r.s.censored ? '≤ ' : ''}${r.n.at - r.s.at}`} | ${r.lossS.toFixed(4)} | ${r.lossN.toFixed(4)} | ${r.errS.toFixed(4)} | ${r.errN.toFixed(4)} |`,
      ),
    );
  }
  return lines.join('\n') + '\n';
}

/** Replaces the block between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` (appends it if absent). */
export function replaceSection(doc: string, name: string, body: string): string {
  const open = `<!-- generated:${name} -->`;
  const close = `<!-- /generated:${name} -->`;
  const block = `${open}\n${body}${close}`;
  const i = doc.indexOf(open);
  const j = doc.indexOf(close);
  if (i >= 0 && j > i) return doc.slice(0, i) + block + doc.slice(j + close.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}

export function parseSeeds(s: string): number[] {
  return s.split(',').flatMap((part) => {
    const m = /^(\d+)-(\d+)$/.exec(part);
    if (!m) return [Number(part)];
    const out: number[] = [];
    for (let i = Number(m[1]); i <= Number(m[2]); i++) out.push(i);
    return out;
  });
}

function load(file: string): CollectedRun | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CollectedRun) : null;
}

async function main(): Promise<void> {
  const a = process.argv.slice(2);
  const get = (n: string) => (a.includes(`--${n}`) ? a[a.indexOf(`--${n}`) + 1] : undefined);
  const seeds = parseSeeds(get('seeds') ?? '1-10');
  const cands = (get('cands') ?? 'r1:pe3').split(',').map(candidate);
  const horizons = get('horizons')?.split(',').map(Number) ?? HORIZONS;
  const perSeed = (get('per-seed') ?? '').split(',').filter(Boolean).map(candidate);
  const cmd = `npx tsx research/synthetic/noiseDelay.ts ${a.join(' ')}`;
  const runs = new Map<string, CollectedRun>();
  const key = (setting: Setting, noise: Noise | null, seed: number) => fileOf(setting, noise, seed);
  const report = () => {
    const results = cands.flatMap((cand) =>
      horizons.filter((h) => h <= cand.setting.runH).map((h) => {
        const sRuns = seeds.map((seed) => runs.get(key(cand.setting, null, seed))).filter((r): r is CollectedRun => !!r);
        const nRuns = seeds.map((seed) => runs.get(key(cand.setting, cand.noise, seed))).filter((r): r is CollectedRun => !!r);
        return { cand, s: summarize(pairRows(sRuns, nRuns, h, cand.noise.annealAt), h) };
      }),
    );
    const md = markdown(results, cmd, get('title') ?? `Seeds ${get('seeds') ?? '1-10'}`, perSeed.length ? perSeed : cands, a.includes('--confirm'));
    const out = get('md');
    if (out) writeFileSync(out, replaceSection(existsSync(out) ? readFileSync(out, 'utf8') : '', get('section') ?? 'calibration', md));
    return md;
  };
  for (const seed of seeds) {
    const todo: [Setting, Noise | null][] = [];
    for (const c of cands) {
      if (!todo.some(([s, n]) => s === c.setting && n === null)) todo.push([c.setting, null]);
      todo.push([c.setting, c.noise]);
    }
    for (const [setting, noise] of todo) {
      const file = key(setting, noise, seed);
      const run = a.includes('--run') ? await runAndKeep(specOf(setting, noise, seed), file, `${setting.id}-${noise?.id ?? 'S'} s${seed}`, get('backend')) : load(file);
      if (run) runs.set(file, run);
    }
    report();
  }
  process.stdout.write(report());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  process.exit(0);
}
