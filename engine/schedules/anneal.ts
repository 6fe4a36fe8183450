/**
 * Iteration-indexed schedules with one anneal (the synthetic experiment's L-S, S and S+noise):
 * a learning rate and a pre-activation noise std before the anneal, another pair after it.
 * The anneal happens at a fixed iteration, or is decided while training (a loss threshold),
 * or never. The trainer asks `annealPhase(s, annealed)` each step; the designer's preview samples
 * `annealCurve`, so the two cannot drift apart.
 */

export interface AnnealPhase {
  readonly lr: number;
  readonly noise: number;
}

export interface AnnealSchedule {
  readonly before: AnnealPhase;
  readonly after: AnnealPhase;
  /** Iteration from which `after` holds when it is fixed in advance; null when decided while training, or never. */
  readonly atIteration: number | null;
}

/** The rate and noise of an update, given whether the anneal has happened. */
export function annealPhase(s: AnnealSchedule, annealed: boolean): AnnealPhase {
  return annealed ? s.after : s.before;
}

/** `points` samples t = 0…total (rounded, evenly spaced) of the rate and noise, anneal at `atIteration`. */
export function annealCurve(s: AnnealSchedule, total: number, points: number): { x: number[]; lr: number[]; noise: number[] } {
  const n = Math.min(points, total + 1);
  const x: number[] = [];
  const lr: number[] = [];
  const noise: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.round((i * total) / Math.max(1, n - 1));
    const p = annealPhase(s, s.atIteration !== null && t >= s.atIteration);
    x.push(t);
    lr.push(p.lr);
    noise.push(p.noise);
  }
  return { x, lr, noise };
}
