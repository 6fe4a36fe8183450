/**
 * Calibration of the CPU-scale patch presets (patch-fmnist-*), as App. G.2 tuned σ_z, β, α
 * "so that large and small learning rates don't both ignore the patch or overfit to it":
 * every candidate (patch values, large LR, width, epochs, anneal epoch) runs the three
 * conditions — large LR annealed to the small one, small LR, small LR + pre-activation noise
 * annealed at the same epoch — on the same seeds, through the presets with overrides (so the
 * three arms share everything else), keeps the per-epoch curves of every run under
 * research/image/data/<candidate>/, and judges each candidate against the criteria:
 *   1. no arm collapses (engine flag) or diverges;
 *   2. before the anneal (mean over the last pre-anneal epoch's seeds) small LR's patch-only
 *      accuracy exceeds both other arms' by ≥ 0.25;
 *   3. after the anneal the large-LR model learns the patch: its final patch-only accuracy is
 *      ≥ 0.5 (chance 0.1);
 * and reports final clean accuracy per arm as mean ± std with Welch's test between arms.
 * Choose on calibration seeds, then confirm on fresh seeds (`--seeds`).
 *
 *   nice -n 10 npx tsx research/image/calibrate.ts CANDIDATES.json --seeds 1,2,3,4,5 [--run] [--md OUT.md] [--backend wasm]
 *
 * CANDIDATES.json: [{ "name": "b05-lr02", "set": ["patch.beta=0.5", ...], "large": 0.2, "small": 0.004, "noise": 0.4, "anneal": 5 }, ...]
 * ("set" applies to all three arms; large/small/noise/anneal set the arms' rates and the shared anneal epoch).
 */
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
}

export const ARMS = ['large-lr', 'small-lr', 'noise'] as const;
export type Arm = (typeof ARMS)[number];

export interface ImageRun {
  readonly arm: Arm;
  readonly seed: number;
  readonly status: string;
  readonly collapsed: boolean;
  readonly wallS: number;
  /** Per epoch (1-based index = position + 1). */
  readonly patchOnly: number[];
  readonly clean: number[];
  readonly trainAcc: number[];
}

const DATA = join(dirname(fileURLToPath(import.meta.url)), 'data');

/** The arm's overrides on top of its preset (patch-fmnist-large-lr / -small-lr / -noise). */
export function armOverrides(c: Candidate, arm: Arm): string[] {
  const common = [...c.set];
  if (arm === 'large-lr') return [...common, `optim.lr=${c.large}`, `lrSchedule={"kind":"step","atEpoch":${c.anneal},"factor":${c.small / c.large}}`];
  if (arm === 'small-lr') return [...common, `optim.lr=${c.small}`];
  return [...common, `optim.lr=${c.small}`, `noiseSchedule={"kind":"step","std":${c.noise},"atEpoch":${c.anneal},"factor":1e-5}`];
}

async function runOne(c: Candidate, arm: Arm, seed: number, backend: string | undefined): Promise<ImageRun> {
  const file = join(DATA, c.name, `${arm}-s${seed}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ImageRun;
  const preset = arm === 'noise' ? 'patch-fmnist-noise' : `patch-fmnist-${arm}`;
  const spec = resolveRunSpec({ preset, seed, set: armOverrides(c, arm), ...(backend ? { backend } : {}) });
  const run: { patchOnly: number[]; clean: number[]; trainAcc: number[] } = { patchOnly: [], clean: [], trainAcc: [] };
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
      },
    },
  });
  const out: ImageRun = { arm, seed, status: r.status, collapsed: r.collapsed ?? false, wallS: r.wallS, ...run };
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

export function judge(c: Candidate, runs: readonly ImageRun[]): Verdict {
  const of = (arm: Arm) => runs.filter((r) => r.arm === arm);
  const noCollapse = runs.every((r) => r.status === 'completed' && !r.collapsed);
  const pre = c.anneal - 1; // last epoch before the anneal (1-based)
  const at = (arm: Arm, e: number) => mean(of(arm).map((r) => r.patchOnly[e - 1] ?? Number.NaN));
  const preAnnealMargin = pre >= 1 ? at('small-lr', pre) - Math.max(at('large-lr', pre), at('noise', pre)) : Number.NaN;
  const postAnnealLarge = mean(of('large-lr').map((r) => r.patchOnly.at(-1) ?? Number.NaN));
  return { noCollapse, preAnnealMargin, postAnnealLarge, pass: noCollapse && preAnnealMargin >= 0.25 && postAnnealLarge >= 0.5 };
}

export function report(c: Candidate, runs: readonly ImageRun[], seeds: readonly number[]): string {
  const v = judge(c, runs);
  const of = (arm: Arm) => runs.filter((r) => r.arm === arm);
  const clean = (arm: Arm) => of(arm).map((r) => r.clean.at(-1) ?? Number.NaN);
  const lines = [
    `### ${c.name}: ${c.set.join(', ') || 'preset values'}; large ${c.large} → ${c.small} from epoch ${c.anneal}; noise ${c.noise} until epoch ${c.anneal - 1}`,
    '',
    `Seeds ${seeds.join(', ')}. Verdict: ${v.pass ? '**passes**' : 'fails'} — no collapse: ${v.noCollapse ? 'yes' : 'no'}; pre-anneal margin (small − max(other)) ${v.preAnnealMargin.toFixed(3)} (need ≥ 0.25); large-LR final patch-only ${v.postAnnealLarge.toFixed(3)} (need ≥ 0.5).`,
    '',
    '| arm | seed | status | patch-only acc per epoch | clean acc per epoch |',
    '| --- | --- | --- | --- | --- |',
    ...runs.map((r) => `| ${r.arm} | ${r.seed} | ${r.status}${r.collapsed ? ' (collapsed)' : ''} | ${r.patchOnly.map((x) => x.toFixed(2)).join(' ')} | ${r.clean.map((x) => x.toFixed(3)).join(' ')} |`),
    '',
    '| arm | final clean acc (mean ± std) |',
    '| --- | --- |',
    ...ARMS.map((a) => `| ${a} | ${fmtMeanStd(clean(a), 3)} |`),
    '',
    `Welch's t-test on final clean accuracy: large vs small p = ${fmtP(welch(clean('large-lr'), clean('small-lr')).p)}; noise vs small p = ${fmtP(welch(clean('noise'), clean('small-lr')).p)}; large vs noise p = ${fmtP(welch(clean('large-lr'), clean('noise')).p)}.`,
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const a = process.argv.slice(2);
  const get = (n: string) => (a.includes(`--${n}`) ? a[a.indexOf(`--${n}`) + 1] : undefined);
  const file = a[0];
  if (!file || file.startsWith('--')) throw new Error('usage: calibrate.ts CANDIDATES.json --seeds 1,2,3,4,5 [--run] [--md OUT.md] [--backend wasm]');
  const candidates = JSON.parse(readFileSync(file, 'utf8')) as Candidate[];
  const seeds = (get('seeds') ?? '1,2,3,4,5').split(',').map(Number);
  const out: string[] = [`Generated by \`npx tsx research/image/calibrate.ts ${a.join(' ')}\`.`, ''];
  for (const c of candidates) {
    const runs: ImageRun[] = [];
    for (const seed of seeds)
      for (const arm of ARMS) {
        const f = join(DATA, c.name, `${arm}-s${seed}.json`);
        if (a.includes('--run')) runs.push(await runOne(c, arm, seed, get('backend')));
        else if (existsSync(f)) runs.push(JSON.parse(readFileSync(f, 'utf8')) as ImageRun);
      }
    if (runs.length) out.push(report(c, runs, [...new Set(runs.map((r) => r.seed))]));
    const md = get('md');
    if (md) writeFileSync(md, out.join('\n'));
  }
  if (!get('md')) process.stdout.write(out.join('\n'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  // The wasm backend's thread pool keeps the event loop alive: end explicitly.
  process.exit(0);
}
