/**
 * Runs synthetic specs through the same function `lrlab run ... --json` uses, one after another,
 * and keeps each run's whole curve (the chosen metric keys at every logged step), its events and
 * result as JSON, one file per run. A file that exists is not run again, so an interrupted
 * collection continues where it stopped.
 *
 *   nice -n 10 npx tsx research/synthetic/collect.ts --tag NAME --preset toy-s --seeds 1,2,3 \
 *     [--set stopping.maxIterations=24000 --set logging.every=500 ...] [--backend wasm]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveRunSpec, runWithProgress } from '../../engine/cli';
import type { RunEvent } from '../../engine/experiments/types';
import type { RunSpec } from '../../engine/spec';

export const KEYS = [
  'lr',
  'noise',
  'train/loss',
  'train/acc',
  'train/p_only/acc',
  'train/q_only/acc',
  'train/both/acc',
  'train/q_only/loss',
  'test/p_only/err',
  'test/q_only/err',
  'test/both/err',
  'test/all/err',
  'test/r_acc',
  'test/g_acc',
] as const;

export interface CollectedRun {
  readonly name: string;
  readonly seed: number;
  readonly spec: RunSpec;
  readonly status: string;
  readonly collapsed: boolean;
  readonly stopReason: string;
  readonly steps: number;
  readonly annealStep: number | null;
  readonly wallS: number;
  /** Empirical fractions of P-only and Q-only training examples. */
  readonly p: number | null;
  readonly q: number | null;
  readonly keys: readonly string[];
  /** [step, ...values in `keys` order]; NaN/Inf as null. */
  readonly points: readonly (readonly (number | null)[])[];
  readonly events: readonly RunEvent[];
}

export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), 'data');

/** Runs `spec` unless `file` exists; returns the stored or new run. */
export async function runAndKeep(spec: RunSpec, file: string, label: string, backend?: string): Promise<CollectedRun> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as CollectedRun;
  const points: (number | null)[][] = [];
  const events: RunEvent[] = [];
  let p: number | null = null;
  let q: number | null = null;
  const result = await runWithProgress(spec, {
    json: true,
    stderr: process.stderr,
    label,
    ...(backend ? { backend } : {}),
    hooks: {
      onMetrics: (m) => void points.push([m.step, ...KEYS.map((k) => (Number.isFinite(m.values[k]) ? (m.values[k] as number) : null))]),
      onEvent: (e) => {
        if (e.kind === 'checkpoint') return;
        events.push(e);
        if (e.kind === 'info' && typeof e.data?.['p'] === 'number') {
          p = e.data['p'] as number;
          q = e.data['q'] as number;
        }
      },
    },
  });
  const run: CollectedRun = {
    name: spec.name ?? label,
    seed: spec.seed,
    spec,
    status: result.status,
    collapsed: result.collapsed ?? false,
    stopReason: result.stopReason,
    steps: result.steps,
    annealStep: result.annealStep,
    wallS: result.wallS,
    p,
    q,
    keys: [...KEYS],
    points,
    events,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(run) + '\n');
  process.stdout.write(`${label}: ${result.status}${run.collapsed ? ' (collapsed)' : ''}, ${result.steps} steps, test/p_only/err ${result.final['test/p_only/err']?.toFixed(4)} (${result.wallS.toFixed(0)} s)\n`);
  return run;
}

/** The value of `key` at every logged step of a run, as [step, value] pairs. */
export function curve(run: CollectedRun, key: string): [number, number | null][] {
  const j = run.keys.indexOf(key);
  if (j < 0) throw new Error(`${key} was not collected`);
  return run.points.map((pt) => [pt[0] as number, pt[j + 1] ?? null]);
}

/** The value of `key` at the logged step `step` (or the last one before it). */
export function valueAt(run: CollectedRun, key: string, step: number): number | null {
  let v: number | null = null;
  for (const [s, x] of curve(run, key)) if (s <= step) v = x;
  return v;
}

/** First logged step at which `key` ≥ threshold, or null. */
export function firstReach(run: CollectedRun, key: string, threshold: number): number | null {
  for (const [s, x] of curve(run, key)) if (x !== null && x >= threshold) return s;
  return null;
}

export function last(run: CollectedRun, key: string): number | null {
  return curve(run, key).at(-1)?.[1] ?? null;
}

function args(): { tag: string; preset: string; seeds: number[]; set: string[]; backend: string | undefined } {
  const a = process.argv.slice(2);
  const get = (n: string) => {
    const i = a.indexOf(`--${n}`);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const set: string[] = [];
  a.forEach((v, i) => {
    if (v === '--set' && a[i + 1]) set.push(a[i + 1] as string);
  });
  const tag = get('tag');
  const preset = get('preset');
  if (!tag || !preset) throw new Error('usage: collect.ts --tag NAME --preset PRESET --seeds 1,2,3 [--set K=V ...] [--backend wasm]');
  return { tag, preset, seeds: (get('seeds') ?? '1').split(',').map(Number), set, backend: get('backend') };
}

async function main(): Promise<void> {
  const o = args();
  for (const seed of o.seeds) {
    const spec = resolveRunSpec({ preset: o.preset, seed, set: o.set, ...(o.backend ? { backend: o.backend } : {}) });
    await runAndKeep({ ...spec, name: `${o.tag} s${seed}` }, join(DATA_DIR, o.tag, `s${seed}.json`), `${o.tag} s${seed}`, o.backend);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  // The wasm backend's thread pool keeps the event loop alive: end explicitly.
  process.exit(0);
}
