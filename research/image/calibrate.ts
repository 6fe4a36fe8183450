/**
 * Calibration of the CPU-scale patch presets (patch-fmnist-*), as App. G.2 tuned σ_z, β, α
 * "so that large and small learning rates don't both ignore the patch or overfit to it":
 * every candidate (patch values, large LR, width, epochs, anneal epoch) runs the three
 * conditions — large LR annealed to the small one, small LR, small LR + pre-activation noise
 * annealed at the same epoch — on the same seeds, through the presets with overrides (so the
 * three arms share everything else), keeps the per-epoch curves of every run under
 * research/image/data/runs/, and judges each candidate against the criteria:
 *   1. no arm collapses (engine flag) or diverges;
 *   2. before the anneal (at the last epoch before it) small LR's patch-only accuracy exceeds
 *      both other arms' by ≥ 0.25;
 *   3. after the anneal the large-LR model learns the patch: its final patch-only accuracy is
 *      ≥ 0.5 (chance 0.1).
 * A candidate passes only when EVERY seed passes all three on its own runs (a preset should show
 * the effect on any seed, not only on average; issue 17 item 6); the same criteria on the means
 * over seeds are reported too ("pooled"), but do not decide. The report has per-epoch patch-only
 * and clean accuracy per arm (mean ± std) and final clean accuracy with Welch's test between arms.
 * Choose on calibration seeds, then confirm on fresh seeds (`--seeds`).
 *
 *   nice -n 10 npx tsx research/image/calibrate.ts CANDIDATES.json --seeds 1,2,3,4,5 [--run] [--only a,b] [--drop-after 2] [--md OUT.md] [--backend wasm]
 *
 * CANDIDATES.json: [{ "name": "b05-lr02", "set": ["patch.beta=0.5", ...], "large": 0.2, "small": 0.004, "noise": 0.4, "anneal": 5 }, ...]
 * ("set" applies to all three arms; large/small/noise/anneal set the arms' rates and the shared
 * anneal epoch, the first epoch at the small rate / without noise; an optional "pinned" list
 * holds preset values the candidate's stored runs were made with, see `Candidate.pinned`).
 *
 * Runs go seed-major over the candidates (seed 1 of every candidate, then seed 2, …). With
 * `--drop-after N` a candidate that has at least N seeds, one of which fails, is not run on
 * further seeds (it can no longer pass on every seed) (its runs stay on disk and in the report, marked "dropped"). A run is stored
 * under a key of its arm and its overrides, so candidates that differ only in the large LR share
 * their small-LR and noise runs, and a finished run is never re-run.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveRunSpec, runWithProgress } from '../../engine/cli';
import { fmtMeanStd, fmtP, mean, welch } from '../lib/stats';

export interface Candidate {
  readonly name: string;
  readonly set: readonly string[];
  readonly large: number;
  readonly small: number;
  readonly noise: number;
  readonly anneal: number;
  /**
   * Preset values the candidate's runs were made with and relies on without setting them (e.g.
   * `epochs=10` for candidates run before the presets went to 20 epochs). Applied before the arm's
   * overrides when a run is resolved, but not part of the run key: the candidate keeps naming the
   * same stored runs, and a missing seed is run with the values its stored seeds had, after the
   * presets change.
   */
  readonly pinned?: readonly string[];
}

export const ARMS = ['large-lr', 'small-lr', 'noise'] as const;
export type Arm = (typeof ARMS)[number];

export interface ImageRun {
  readonly arm: Arm;
  readonly seed: number;
  readonly status: string;
  readonly collapsed: boolean;
  readonly wallS: number;
  /** The overrides on top of the arm's preset (absent in runs stored before they were recorded). */
  readonly overrides?: readonly string[];
  /** Per epoch (1-based index = position + 1). */
  readonly patchOnly: number[];
  readonly clean: number[];
  readonly trainAcc: number[];
  /** Epoch-mean training loss, with the noise arm's noise in the forward pass (absent in runs stored before it was recorded). */
  readonly trainLoss?: number[];
}

const DATA = join(dirname(fileURLToPath(import.meta.url)), 'data');

/** The arm's overrides on top of its preset (patch-fmnist-large-lr / -small-lr / -noise). */
export function armOverrides(c: Candidate, arm: Arm): string[] {
  const common = [...c.set];
  if (arm === 'large-lr') return [...common, `optim.lr=${c.large}`, `lrSchedule={"kind":"step","atEpoch":${c.anneal},"factor":${c.small / c.large}}`];
  if (arm === 'small-lr') return [...common, `optim.lr=${c.small}`];
  return [...common, `optim.lr=${c.small}`, `noiseSchedule={"kind":"step","std":${c.noise},"atEpoch":${c.anneal},"factor":1e-5}`];
}

/** Everything set on top of the arm's preset when a run is resolved: the pinned preset values, then `armOverrides`. */
export function armSet(c: Candidate, arm: Arm): string[] {
  return [...(c.pinned ?? []), ...armOverrides(c, arm)];
}

/** The preset an arm runs on (with `armSet` on top). */
export function armPreset(arm: Arm): string {
  return arm === 'noise' ? 'patch-fmnist-noise' : `patch-fmnist-${arm}`;
}

/** Where a run of (candidate, arm, seed) is stored: keyed by the arm and its overrides, so identical arms are shared. */
export function runKey(c: Candidate, arm: Arm, seed: number): string {
  const h = createHash('sha256').update(JSON.stringify(armOverrides(c, arm))).digest('hex').slice(0, 10);
  return `${arm}-${h}-s${seed}`;
}

function runFile(c: Candidate, arm: Arm, seed: number): string {
  return join(DATA, 'runs', `${runKey(c, arm, seed)}.json`);
}

function stored(c: Candidate, arm: Arm, seed: number): ImageRun | null {
  const f = runFile(c, arm, seed);
  if (!existsSync(f)) return null;
  const r = JSON.parse(readFileSync(f, 'utf8')) as ImageRun;
  const problem = storedMismatch(c, arm, r);
  if (problem) throw new Error(`${f}: ${problem}`);
  return r;
}

/**
 * Why a stored run cannot be this candidate's (null when it can): a completed run must have as
 * many epochs as the candidate's spec resolves to today. Catches a preset change that a
 * candidate relied on without setting it (then pin the old value, `Candidate.pinned`).
 */
export function storedMismatch(c: Candidate, arm: Arm, r: ImageRun): string | null {
  if (r.status !== 'completed') return null;
  const spec = resolveRunSpec({ preset: armPreset(arm), seed: r.seed, set: armSet(c, arm) });
  const epochs = spec.kind === 'image' ? spec.epochs : Number.NaN;
  return r.clean.length === epochs
    ? null
    : `the stored run has ${r.clean.length} epochs, but candidate ${c.name} now resolves to ${epochs} (the presets changed since it ran?): add the preset values it was run with to its "pinned" list, e.g. "epochs=${r.clean.length}"`;
}

async function runOne(c: Candidate, arm: Arm, seed: number, backend: string | undefined): Promise<ImageRun> {
  const done = stored(c, arm, seed);
  if (done) return done;
  const preset = armPreset(arm);
  const overrides = armSet(c, arm);
  const spec = resolveRunSpec({ preset, seed, set: overrides, ...(backend ? { backend } : {}) });
  const run: { patchOnly: number[]; clean: number[]; trainAcc: number[]; trainLoss: number[] } = { patchOnly: [], clean: [], trainAcc: [], trainLoss: [] };
  const r = await runWithProgress(spec, {
    json: true,
    stderr: process.stderr,
    label: `${c.name} ${arm} s${seed}`,
    ...(backend ? { backend } : {}),
    hooks: {
      onMetrics: (m) => {
        if (m.values['val/clean/acc'] === undefined) return;
        run.patchOnly.push(m.values['val/patch_only/acc'] ?? Number.NaN);
        run.clean.push(m.values['val/clean/acc']);
        run.trainAcc.push(m.values['train/acc'] ?? Number.NaN);
        run.trainLoss.push(m.values['train/loss'] ?? Number.NaN);
      },
    },
  });
  const out: ImageRun = { arm, seed, status: r.status, collapsed: r.collapsed ?? false, wallS: r.wallS, overrides, ...run };
  const file = runFile(c, arm, seed);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(out) + '\n');
  return out;
}

export interface Verdict {
  readonly noCollapse: boolean;
  readonly preAnnealMargin: number;
  readonly postAnnealLarge: number;
  readonly pass: boolean;
}

/** The three criteria on pooled runs (means over seeds): reported, but not the verdict (see `verdict`). */
export function judge(c: Candidate, runs: readonly ImageRun[]): Verdict {
  const of = (arm: Arm) => runs.filter((r) => r.arm === arm);
  const noCollapse = runs.every((r) => r.status === 'completed' && !r.collapsed);
  const pre = c.anneal - 1; // last epoch before the anneal (1-based)
  const at = (arm: Arm, e: number) => mean(of(arm).map((r) => r.patchOnly[e - 1] ?? Number.NaN));
  const preAnnealMargin = pre >= 1 ? at('small-lr', pre) - Math.max(at('large-lr', pre), at('noise', pre)) : Number.NaN;
  const postAnnealLarge = mean(of('large-lr').map((r) => r.patchOnly.at(-1) ?? Number.NaN));
  return { noCollapse, preAnnealMargin, postAnnealLarge, pass: noCollapse && preAnnealMargin >= 0.25 && postAnnealLarge >= 0.5 };
}

/** The same criteria seed by seed (a preset should show the effect on any seed, not only on average). */
export function judgeSeeds(c: Candidate, runs: readonly ImageRun[]): { seed: number; verdict: Verdict }[] {
  const seeds = [...new Set(runs.map((r) => r.seed))];
  return seeds.map((seed) => ({ seed, verdict: judge(c, runs.filter((r) => r.seed === seed)) }));
}

export interface CandidateVerdict {
  /** Passes only when every seed passes on its own. */
  readonly pass: boolean;
  readonly seedsPassing: number;
  readonly seeds: number;
  readonly perSeed: { seed: number; verdict: Verdict }[];
  /** The criteria on the means over seeds (reported, not deciding). */
  readonly pooled: Verdict;
}

/** The candidate's verdict: every seed must pass the three criteria on its own runs. */
export function verdict(c: Candidate, runs: readonly ImageRun[]): CandidateVerdict {
  const perSeed = judgeSeeds(c, runs);
  const seedsPassing = perSeed.filter((p) => p.verdict.pass).length;
  return { pass: perSeed.length > 0 && seedsPassing === perSeed.length, seedsPassing, seeds: perSeed.length, perSeed, pooled: judge(c, runs) };
}

/** `--drop-after N`: stop running a candidate once it has ≥ N seeds and one of them fails. */
export function shouldDrop(c: Candidate, runs: readonly ImageRun[], dropAfter: number): boolean {
  const v = verdict(c, runs);
  return v.seeds >= dropAfter && !v.pass;
}

/** Lowest clean accuracy after epoch 1 (a dip far below the run's level marks a damaged network). */
export function minCleanAfterFirst(r: ImageRun): number {
  return Math.min(...r.clean.slice(1));
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : String(x));
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

export function report(c: Candidate, runs: readonly ImageRun[], seeds: readonly number[], note = ''): string {
  const cv = verdict(c, runs);
  const v = cv.pooled;
  const per = cv.perSeed;
  const of = (arm: Arm) => runs.filter((r) => r.arm === arm);
  const clean = (arm: Arm) => of(arm).map((r) => r.clean.at(-1) ?? Number.NaN);
  const epochs = Math.max(...runs.map((r) => r.clean.length));
  const pre = c.anneal - 1;
  const patchAt = (arm: Arm, e: number) => of(arm).map((r) => r.patchOnly[e - 1] ?? Number.NaN);
  const cleanAt = (arm: Arm, e: number) => of(arm).map((r) => r.clean[e - 1] ?? Number.NaN);
  const w = (a: number[], b: number[]) => (a.length >= 2 && b.length >= 2 ? fmtP(welch(a, b).p) : 'n/a');
  const lines = [
    `### ${c.name}: ${c.set.join(', ') || 'preset values'}; large ${c.large} → ${c.small} from epoch ${c.anneal}; small ${c.small}; noise ${c.noise} until epoch ${c.anneal - 1}${note ? ` (${note})` : ''}`,
    '',
    `Seeds ${seeds.join(', ')}. **Verdict (every seed must pass): ${cv.pass ? 'passes' : 'fails'}** — seeds passing: ${cv.seedsPassing} of ${cv.seeds}.`,
    `Per seed: ${per.map(({ seed, verdict: s }) => `s${seed} ${s.pass ? 'pass' : 'fail'} (margin ${f2(s.preAnnealMargin)}, large final ${f2(s.postAnnealLarge)}${s.noCollapse ? '' : ', collapse'})`).join('; ')}.`,
    `On the means (pooled, not deciding): ${v.pass ? 'would pass' : 'would fail'} — no collapse: ${v.noCollapse ? 'yes' : 'no'}; pre-anneal margin at epoch ${pre} (small − max(other)) ${f3(v.preAnnealMargin)} (need ≥ 0.25); large-LR final patch-only ${f3(v.postAnnealLarge)} (need ≥ 0.5).`,
    '',
    '| arm | seed | status | wall s | min clean acc after epoch 1 | patch-only acc per epoch | clean acc per epoch | training loss per epoch (with the noise) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map((r) => `| ${r.arm} | ${r.seed} | ${r.status}${r.collapsed ? ' (collapsed)' : ''} | ${Math.round(r.wallS)} | ${f3(minCleanAfterFirst(r))} | ${r.patchOnly.map(f2).join(' ')} | ${r.clean.map(f3).join(' ')} | ${r.trainLoss ? r.trainLoss.map(f2).join(' ') : 'not recorded'} |`),
    '',
    `Per epoch, mean ± std over the seeds (epoch ${c.anneal} is the first at the small rate / without noise):`,
    '',
    '| epoch | patch-only: large-lr | small-lr | noise | clean: large-lr | small-lr | noise |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...Array.from({ length: epochs }, (_, i) => i + 1).map(
      (e) => `| ${e} | ${ARMS.map((a) => fmtMeanStd(patchAt(a, e), 2)).join(' | ')} | ${ARMS.map((a) => fmtMeanStd(cleanAt(a, e), 3)).join(' | ')} |`,
    ),
    '',
    '| arm | final clean acc (mean ± std) | final patch-only acc (mean ± std) |',
    '| --- | --- | --- |',
    ...ARMS.map((a) => `| ${a} | ${fmtMeanStd(clean(a), 3)} | ${fmtMeanStd(patchAt(a, epochs), 2)} |`),
    '',
    `Welch's t-test on final clean accuracy: large vs small p = ${w(clean('large-lr'), clean('small-lr'))}; noise vs small p = ${w(clean('noise'), clean('small-lr'))}; large vs noise p = ${w(clean('large-lr'), clean('noise'))}.`,
    pre >= 1
      ? `Welch's t-test on patch-only accuracy at epoch ${pre} (last before the anneal): small vs large p = ${w(patchAt('small-lr', pre), patchAt('large-lr', pre))}; small vs noise p = ${w(patchAt('small-lr', pre), patchAt('noise', pre))}.`
      : '',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const a = process.argv.slice(2);
  const get = (n: string) => (a.includes(`--${n}`) ? a[a.indexOf(`--${n}`) + 1] : undefined);
  const file = a[0];
  if (!file || file.startsWith('--')) throw new Error('usage: calibrate.ts CANDIDATES.json --seeds 1,2,3,4,5 [--run] [--only a,b] [--drop-after N] [--md OUT.md] [--backend wasm]');
  const only = get('only')?.split(',');
  const all = JSON.parse(readFileSync(file, 'utf8')) as Candidate[];
  const candidates = only ? all.filter((c) => only.includes(c.name)) : all;
  if (only && candidates.length !== only.length) throw new Error(`--only: unknown candidate(s) ${only.filter((n) => !all.some((c) => c.name === n)).join(', ')}; known: ${all.map((c) => c.name).join(', ')}`);
  const seeds = (get('seeds') ?? '1,2,3,4,5').split(',').map(Number);
  const dropAfter = get('drop-after') ? Number(get('drop-after')) : Number.POSITIVE_INFINITY;
  const doRun = a.includes('--run');
  const runs = new Map<string, ImageRun[]>(candidates.map((c) => [c.name, []]));
  const dropped = new Map<string, string>();
  const write = () => {
    const out: string[] = [`Generated by \`npx tsx research/image/calibrate.ts ${a.join(' ')}\`.`, ''];
    for (const c of candidates) {
      const rs = runs.get(c.name) ?? [];
      if (rs.length) out.push(report(c, rs, [...new Set(rs.map((r) => r.seed))], dropped.get(c.name)));
    }
    const md = get('md');
    if (md) writeFileSync(md, out.join('\n'));
    return out.join('\n');
  };
  // Seed-major: every candidate's seed 1, then seed 2, … so a candidate can be dropped early.
  for (const seed of seeds) {
    for (const c of candidates) {
      if (dropped.has(c.name)) continue;
      for (const arm of ARMS) {
        const r = doRun ? await runOne(c, arm, seed, get('backend')) : stored(c, arm, seed);
        if (r) runs.get(c.name)?.push(r);
      }
      const rs = runs.get(c.name) ?? [];
      const n = new Set(rs.map((r) => r.seed)).size;
      if (doRun && shouldDrop(c, rs, dropAfter)) dropped.set(c.name, `dropped after ${n} seeds: seed(s) ${verdict(c, rs).perSeed.filter((p) => !p.verdict.pass).map((p) => p.seed).join(', ')} failed`);
      write();
    }
  }
  if (!get('md')) process.stdout.write(write());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  // The wasm backend's thread pool keeps the event loop alive: end explicitly.
  process.exit(0);
}
