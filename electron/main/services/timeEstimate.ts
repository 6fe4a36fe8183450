/**
 * The designer's "Estimated time" from runs that already finished on this machine:
 * 1. identical runs (the same spec but for seed and name) → the median of their wall times, with
 *    their range: what the next one will most likely take (a synthetic run that stops at its
 *    loss target takes that long, not its max-iterations bound);
 * 2. else runs of the same shape (same step cost: the kind's `shapeKey`) → median ms/step × the
 *    spec's step bound, an upper bound ("≤");
 * 3. else unknown, saying when it becomes known.
 */
import type { AnySpec, ExperimentRegistry } from '../../../engine/experiments/registry';

/** What the estimate needs of a finished run (a row of runs.list). */
export interface FinishedRun {
  readonly specJson: string;
  readonly wallS: number | null;
  readonly steps: number | null;
}

export interface TimeEstimate {
  readonly label: 'Estimated time';
  readonly value: string;
  readonly hint: string;
}

/** Canonical JSON of a spec without its seed and name: equal for runs that differ only in those. */
export function identityKey(spec: unknown): string {
  const canon = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v as object)
            .sort()
            .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
        )
      : Array.isArray(v)
        ? v.map(canon)
        : v;
  const { seed: _seed, name: _name, ...rest } = (spec ?? {}) as Record<string, unknown>;
  return JSON.stringify(canon(rest));
}

export function fmtDuration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export function estimateTime(registry: ExperimentRegistry, spec: AnySpec, finished: readonly FinishedRun[]): TimeEstimate {
  const key = identityKey(spec);
  const d = registry.describe(spec);
  const same: number[] = [];
  const perStep: number[] = [];
  // Seeds of one spec share a shape: describe each distinct spec once.
  const shapes = new Map<string, string>();
  for (const r of finished) {
    if (!r.wallS || r.wallS <= 0) continue;
    let other: AnySpec;
    try {
      const c = registry.readStored(JSON.parse(r.specJson));
      if (!c.ok) continue;
      other = c.spec;
    } catch {
      continue; // an old spec that no longer parses says nothing about speed
    }
    const k = identityKey(other);
    if (k === key) same.push(r.wallS);
    let shape = shapes.get(k);
    if (shape === undefined) shapes.set(k, (shape = registry.describe(other).shapeKey));
    if (r.steps && shape === d.shapeKey) perStep.push((r.wallS * 1000) / r.steps);
  }
  if (same.length) {
    const lo = Math.min(...same);
    const hi = Math.max(...same);
    const range = same.length > 1 && fmtDuration(lo) !== fmtDuration(hi) ? ` (${fmtDuration(lo)}–${fmtDuration(hi)})` : '';
    return { label: 'Estimated time', value: `≈ ${fmtDuration(median(same))}${range}`, hint: `median wall time of ${same.length} identical finished run${same.length === 1 ? '' : 's'} on this machine (same spec, any seed)` };
  }
  if (perStep.length) {
    const ms = median(perStep);
    return { label: 'Estimated time', value: `≤ ${fmtDuration((ms * d.totalSteps) / 1000)}`, hint: `${ms.toFixed(1)} ms/step measured on ${perStep.length} past run${perStep.length === 1 ? '' : 's'} of this shape, × at most ${d.totalSteps} steps` };
  }
  return { label: 'Estimated time', value: 'unknown', hint: 'measured once a run of this spec or shape has completed on this machine' };
}
