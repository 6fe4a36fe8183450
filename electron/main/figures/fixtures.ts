/**
 * Runs with made-up but shaped curves for tests, the e2e comparison journey and the comparison
 * benchmark: the toy comparison's three presets (L-S, S, S+noise) × seeds, each a real,
 * valid preset spec, with metrics written through the store's normal metric writer. The
 * curves are synthetic (a deterministic formula per condition and seed), never a training result.
 */
import type { RunStore } from '../../../storage';
import { presetSpec } from '../../../engine/presets';
import { experiments } from '../../../engine/experiments/registry';
import { describeSpec } from '../../../engine/experiments';

export interface SeedOptions {
  readonly presets?: readonly string[];
  readonly seeds?: readonly number[];
  /** Points per metric per run. */
  readonly points?: number;
  /** Steps between points; default: the spec's total steps spread over the points. */
  readonly every?: number;
  readonly keys?: readonly string[];
  /** Mark this run (preset, seed) as collapsed with a `collapse` event and flat curves. */
  readonly collapse?: { preset: string; seed: number };
  readonly tag?: string;
}

export const TOY_KEYS = ['train/p_only/acc', 'train/q_only/acc', 'test/p_only/err', 'train/loss'] as const;
export const IMAGE_KEYS = ['val/clean/acc', 'val/patch_only/acc', 'train/loss', 'train/acc'] as const;

function curve(key: string, cond: number, seed: number, step: number, annealAt: number, collapsed: boolean): number {
  const wiggle = 0.01 * Math.sin(step / 97 + seed * 1.7) + 0.004 * (((step * 7919 + seed * 104729) % 97) / 97 - 0.5);
  if (collapsed) return key.includes('err') || key.includes('loss') ? 0.69 + wiggle : 0.5 + wiggle;
  const t = step / annealAt;
  // L-S learns Q (easy to fit, hard to generalize) only after the anneal; S learns it at once.
  const pRate = [0.8, 2.5, 2.0][cond] ?? 1;
  const qRate = step < annealAt && cond === 0 ? 0.05 : [6, 3, 1.2][cond] ?? 1;
  const p = 1 - 0.5 * Math.exp(-pRate * t) - (cond === 0 ? 0 : 0.06);
  const q = 1 - 0.5 * Math.exp(-qRate * Math.max(0, t - (cond === 0 ? 1 : 0)));
  switch (key) {
    case 'train/p_only/acc':
    case 'train/acc':
    case 'val/clean/acc':
      return Math.min(1, p + wiggle);
    case 'train/q_only/acc':
    case 'val/patch_only/acc':
      return Math.min(1, q + wiggle);
    case 'test/p_only/err':
      return Math.max(0, 1 - p + 0.05 + wiggle);
    default:
      return 0.7 * Math.exp(-1.5 * t) + 0.02 + Math.abs(wiggle);
  }
}

/**
 * The spec a run with `steps` iterations logged every `every` was trained from: a toy preset runs
 * 6000 iterations, so points written past that (the 10 runs × 50 000 points benchmark logs every
 * iteration) need a spec that says so, or its schedule strip and anneal end where the preset's
 * do while the curves go on. The synthetic spec's length, anneal point and logging interval are
 * stretched with the data (the anneal stays at the same fraction of training); image specs and
 * specs already long enough are returned as they are.
 */
export function fitSpecToSteps<S extends ReturnType<typeof presetSpec>>(spec: S, steps: number, every: number): S {
  if (spec.kind !== 'synthetic') return spec;
  const total = describeSpec(spec).totalSteps;
  if (steps <= total) return spec;
  const k = steps / total;
  const a = spec.algorithm as Record<string, unknown> & { anneal?: { mode: string; at?: number }; annealAt?: number };
  const algorithm = {
    ...a,
    ...(a.anneal && typeof a.anneal.at === 'number' ? { anneal: { ...a.anneal, at: Math.round(a.anneal.at * k) } } : {}),
    ...(typeof a.annealAt === 'number' ? { annealAt: Math.round(a.annealAt * k) } : {}),
  };
  const next = { ...spec, algorithm, stopping: { ...spec.stopping, maxIterations: steps }, logging: { ...spec.logging, every } };
  const r = experiments.readStored(next);
  if (!r.ok) throw new Error(`fixture: the stretched ${spec.name} spec is invalid: ${JSON.stringify(r.problems)}`);
  return r.spec as S;
}

/** Creates the runs and returns their ids in (preset, seed) order. */
export function seedComparisonRuns(store: RunStore, o: SeedOptions = {}): string[] {
  const presets = o.presets ?? ['toy-ls', 'toy-s', 'toy-noise'];
  const seeds = o.seeds ?? [1, 2];
  const points = o.points ?? 600;

  const ids: string[] = [];
  presets.forEach((preset, cond) => {
    for (const seed of seeds) {
      const preset0 = presetSpec(preset, seed);
      const spec = o.every === undefined ? preset0 : fitSpecToSteps(preset0, points * o.every, o.every);
      const keys = o.keys ?? (spec.kind === 'image' ? IMAGE_KEYS : TOY_KEYS);
      const id = store.createRun({
        name: `${preset} s${seed}`,
        spec,
        specHash: `fixture-${preset}-${seed}`,
        kind: spec.kind,
        algorithm: experiments.condition(spec),
        preset,
        groupId: `fixture-${preset}`,
        seed,
        tags: o.tag ? [o.tag] : [],
      }).id;
      store.markRunning(id);
      // Steps and the anneal where the spec puts them (image specs count epochs from 1).
      const d = describeSpec(spec);
      const every = o.every ?? Math.max(1, Math.floor(d.totalSteps / points));
      const perEpoch = d.schedule.xUnit === 'epoch' && d.schedule.x.length ? d.totalSteps / d.schedule.x.length : 1;
      const planned = d.schedule.annealAt === null ? null : d.schedule.xUnit === 'epoch' ? Math.round((d.schedule.annealAt - 1) * perEpoch) : d.schedule.annealAt;
      const annealAt = planned ?? (points * every) / 2;
      const epochOf = (step: number): number | null => (d.schedule.xUnit === 'epoch' ? Math.floor(step / perEpoch) + 1 : null);
      const collapsed = o.collapse?.preset === preset && o.collapse.seed === seed;
      const w = store.metricWriter(id);
      for (let i = 0; i < points; i++) {
        const step = i * every;
        for (const key of keys) w.writePoint(key, step, curve(key, cond, seed, step, annealAt, collapsed), epochOf(step), step * 3);
      }
      w.close();
      if (planned !== null) store.addEvent(id, { kind: 'anneal', step: planned, epoch: epochOf(planned), message: `anneal at step ${planned}` });
      if (collapsed) store.addEvent(id, { kind: 'collapse' as never, step: 500, epoch: null, message: 'training loss at chance' });
      // As the engine records one: a `collapse` event and `collapsed: true` in the result (status stays completed).
      store.finishRun(id, 'completed', { summary: { steps: points * every, ...(collapsed ? { collapsed: true } : {}) } });
      ids.push(id);
    }
  });
  return ids;
}

const REGIME_PRESET = { 'L-S': 'toy-ls', S: 'toy-s', 'S+noise': 'toy-noise' } as const;
type Alg = keyof typeof REGIME_PRESET;

/**
 * Made-up outcomes per cell, chosen so each quantity has a known answer:
 * r = 1 — everyone fits Q (S and S+noise before P, L-S after P); S's P-only error is above L-S's by
 * 0.05 on every seed with little spread (significant); r = 0.0442 — nobody fits Q; gap ±, not significant.
 */
function regimeOutcome(r: number, alg: Alg, seed: number): { tQ: number | null; tP: number; err: number } {
  if (r === 1) {
    const tQ = alg === 'L-S' ? 800 : 200;
    return { tQ, tP: 400, err: alg === 'L-S' ? 0.01 + 0.001 * seed : 0.06 + 0.002 * seed };
  }
  return { tQ: null, tP: 300, err: alg === 'S' ? [0.02, 0.005, 0.03][seed - 1]! : 0.015 };
}

/** A 2 × 2 grid (data.r ∈ {0.0442, 1} × model.width ∈ {64, 256}) × L-S, S, S+noise × seeds 1–3, tagged `tag`, with the outcomes above (made up). */
export function seedRegimeGrid(store: RunStore, tag: string): string[] {
  const ids: string[] = [];
  for (const r of [0.0442, 1])
    for (const width of [64, 256])
      for (const alg of ['L-S', 'S', 'S+noise'] as Alg[])
        for (const seed of [1, 2, 3]) {
          const base = presetSpec(REGIME_PRESET[alg], seed);
          if (base.kind !== 'synthetic') throw new Error('toy presets are synthetic');
          const spec = { ...base, data: { ...base.data, r }, model: { ...base.model, width } };
          const id = store.createRun({ name: `${alg} r${r} m${width} s${seed}`, spec, specHash: `g-${r}-${width}-${alg}-${seed}`, kind: 'synthetic', algorithm: experiments.condition(spec), preset: REGIME_PRESET[alg], groupId: null, seed, tags: [tag] }).id;
          store.markRunning(id);
          const o = regimeOutcome(r, alg, seed);
          const w = store.metricWriter(id);
          for (let step = 0; step <= 1000; step += 100) {
            w.writePoint('train/q_only/acc', step, o.tQ !== null && step >= o.tQ ? 0.97 : 0.5, null, step);
            w.writePoint('train/p_only/acc', step, step >= o.tP ? 1 : 0.6, null, step);
            w.writePoint('test/p_only/err', step, step === 1000 ? o.err : 0.3, null, step);
          }
          w.close();
          store.finishRun(id, 'completed', { summary: { steps: 1000 } });
          ids.push(id);
        }
  return ids;
}
