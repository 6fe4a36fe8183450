/** noiseDelay's tabulation on made-up curves (no training). */
import { describe, expect, it } from 'vitest';
import type { CollectedRun } from './collect';
import { KEYS } from './collect';
import { ARMS, markdown, qFitAt } from './noiseDelay';

function run(seed: number, qAt: number | null, err: number): CollectedRun {
  const points = [0, 500, 1000, 2000, 3000, 3500, 4000].map((s) => [s, ...KEYS.map((k) => (k === 'train/q_only/acc' ? (qAt !== null && s >= qAt ? 1 : 0.5) : k === 'test/p_only/err' ? err : 0))]);
  return { name: 'x', seed, spec: {} as never, status: 'completed', collapsed: false, stopReason: 'max', steps: 4000, annealStep: null, wallS: 1, p: null, q: null, keys: [...KEYS], points, events: [] };
}

describe('noiseDelay', () => {
  it('takes the first logged step with Q-only accuracy ≥ 0.95, or the horizon as a censored bound', () => {
    expect(qFitAt(run(1, 1000, 0))).toEqual({ at: 1000, censored: false });
    expect(qFitAt(run(1, null, 0))).toEqual({ at: 4000, censored: true });
  });

  it('pairs seeds and reports the delay, how many seeds were delayed and the censored count', () => {
    const runs = new Map<string, CollectedRun[]>([
      [ARMS[0]!.name, [run(1, 500, 0.01), run(2, 1000, 0.02)]],
      [ARMS[1]!.name, [run(1, 3500, 0.01), run(2, null, 0.03)]],
    ]);
    const md = markdown(runs, [1, 2], 'cmd');
    // Seed 1: 3500 − 500 = 3000; seed 2: ≥ 4000 − 1000 = 3000 (censored).
    expect(md).toContain(`| ${ARMS[1]!.name} | 2 | 3750 ± 354 | 750 ± 354 | 3000 ± 0 (1 censored at the horizon: a lower bound) | 2/2 |`);
    expect(md).toContain(`| ${ARMS[1]!.name} | 2 | completed | ≥ 4000 |`);
  });
});
