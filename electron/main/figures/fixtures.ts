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

/** Creates the runs and returns their ids in (preset, seed) order. */
export function seedComparisonRuns(store: RunStore, o: SeedOptions = {}): string[] {
  const presets = o.presets ?? ['toy-ls', 'toy-s', 'toy-noise'];
  const seeds = o.seeds ?? [1, 2];
  const points = o.points ?? 600;

  const ids: string[] = [];
  presets.forEach((preset, cond) => {
    for (const seed of seeds) {
      const spec = presetSpec(preset, seed);
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
      store.finishRun(id, 'completed', { summary: { steps: points * every } });
      ids.push(id);
    }
  });
  return ids;
}
