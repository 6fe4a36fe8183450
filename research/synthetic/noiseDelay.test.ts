/** noiseDelay's censoring, statistics and choice on made-up curves (no training). */
import { describe, expect, it } from 'vitest';
import type { CollectedRun } from './collect';
import { KEYS } from './collect';
import { candidate, choose, markdown, pairRows, parseSeeds, passes, qFitAt, replaceSection, summarize } from './noiseDelay';

/** A 10 000-iteration run whose Q-only accuracy jumps to 1 at `qAt` (null: never). */
function run(seed: number, qAt: number | null, qLoss = 0.65, steps = 10_000, touch: number | null = null): CollectedRun {
  const points: number[][] = [];
  for (let s = 0; s <= steps; s += 500) {
    const q = (qAt !== null && s >= qAt) || s === touch ? 1 : 0.5;
    points.push([s, ...KEYS.map((k) => (k === 'train/q_only/acc' ? q : k === 'train/q_only/loss' ? qLoss : k === 'test/p_only/err' ? 0.01 : 0))]);
  }
  return { name: 'x', seed, spec: {} as never, status: 'completed', collapsed: false, stopReason: 'max', steps, annealStep: null, wallS: 1, p: null, q: null, keys: [...KEYS], points, events: [] };
}

describe('noiseDelay', () => {
  it('takes the first logged step from which Q-only accuracy stays ≥ 0.95, censored at the horizon', () => {
    expect(qFitAt(run(1, 1000), 6000)).toEqual({ at: 1000, censored: false, touched: 1000 });
    expect(qFitAt(run(1, null), 6000)).toEqual({ at: 6000, censored: true, touched: null });
    // Fitted after H counts as not fitted by H.
    expect(qFitAt(run(1, 7000), 6000)).toEqual({ at: 6000, censored: true, touched: null });
    expect(qFitAt(run(1, 7000), 10_000)).toEqual({ at: 7000, censored: false, touched: 7000 });
    // A touch at 500 that is lost again is not fitting Q.
    expect(qFitAt(run(1, 4000, 0.65, 10_000, 500), 6000)).toEqual({ at: 4000, censored: false, touched: 500 });
    expect(qFitAt(run(1, null, 0.65, 10_000, 500), 6000)).toEqual({ at: 6000, censored: true, touched: 500 });
  });

  it('signs censored pairs by what is known and drops pairs censored on both sides as ties', () => {
    const s = [run(1, 500), run(2, 1000), run(3, null), run(4, null), run(5, 2000)];
    const n = [run(1, 4000, 0.7, 10_000, 500), run(2, null, 0.7), run(3, 3000, 0.7), run(4, null, 0.7), run(5, 5000, 0.6)];
    const sum = summarize(pairRows(s, n, 6000), 6000);
    // 1: later (3500); 2: later (S 1000, noise ≥ 6000); 3: earlier (S ≥ 6000, noise 3000); 4: both censored, tie; 5: later.
    expect([sum.delayed, sum.earlier, sum.tied, sum.sFitted, sum.nFitted]).toEqual([3, 1, 1, 3, 3]);
    expect(sum.sign).toBeCloseTo(0.625, 12); // Binomial(4, ½): 2·5/16
    // By first touch seed 1's S+noise (touched 500) ties S (500): 2 later, 1 earlier, 2 tied.
    expect(sum.byTouch.slice(0, 3)).toEqual([2, 1, 2]);
    expect(sum.lossHigher).toBe(4);
    expect(passes(sum)).toBe(false);
    const md = markdown([{ cand: candidate('r1:pe3'), s: sum }], 'cmd', 'T', [candidate('r1:pe3')]);
    expect(md).toContain('| r = 1, 10 000 it., S+noise per-example τ 3, anneal 3000 | 6000 | 5 | 3/5 | 3/5 | 3 / 1 / 1 | 0.625 |');
    expect(md).toContain('| 1 | 500 | 4000 (touched 500) | 3500 |');
    expect(md).toContain('| 2 | 1000 | ≥ 6000 | ≥ 5000 |');
    expect(md).toContain('| 3 | ≥ 6000 | 3000 | ≤ -3000 |');
    expect(md).toContain('| 4 | ≥ 6000 | ≥ 6000 | ? |');
  });

  it("reads the Q-only loss at the candidate's noise anneal", () => {
    const s = run(1, 500, 0.6);
    const n = run(1, 6000, 0.7);
    (n.points as number[][]).forEach((p) => {
      if ((p[0] as number) >= 5000) p[1 + KEYS.indexOf('train/q_only/loss')] = 0.5;
    });
    expect(pairRows([s], [n], 6000, 3000)[0]).toMatchObject({ lossS: 0.6, lossN: 0.7 });
    expect(pairRows([s], [n], 6000, 5000)[0]).toMatchObject({ lossS: 0.6, lossN: 0.5 });
  });

  it('a run shorter than the horizon is not paired there', () => {
    expect(pairRows([run(1, 500)], [run(1, 4000, 0.7, 4000)], 6000)).toEqual([]);
  });

  it('passes and chooses by the rule fixed before the runs', () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const good = summarize(pairRows(seeds.map((i) => run(i, 500)), seeds.map((i) => run(i, 4000)), 6000), 6000);
    expect([good.delayed, good.sign]).toEqual([10, 2 / 1024]);
    expect(passes(good)).toBe(true);
    // Delayed on every seed but fitted on only 7 of 10 by H: a block, not a delay.
    const blocked = summarize(pairRows(seeds.map((i) => run(i, 500)), seeds.map((i) => run(i, i <= 7 ? 4000 : null)), 6000), 6000);
    expect([blocked.delayed, blocked.nFitted]).toEqual([10, 7]);
    expect(passes(blocked)).toBe(false);
    const late = summarize(pairRows(seeds.map((i) => run(i, 500)), seeds.map((i) => run(i, 4000)), 8000), 8000);
    // S fits on only 8 of 10 seeds: fails however clear the delay.
    const unreliable = summarize(pairRows(seeds.map((i) => run(i, i <= 8 ? 500 : null)), seeds.map((i) => run(i, null)), 6000), 6000);
    expect(passes(unreliable)).toBe(false);
    const pick = choose([
      { cand: candidate('r1:pe3'), s: good },
      { cand: candidate('r1:sh3'), s: late },
      { cand: candidate('r1:sh3'), s: good },
      { cand: candidate('r1:sh01'), s: unreliable },
    ]);
    // Shared before per-example, then the shorter horizon.
    expect(pick?.cand.noise.id).toBe('sh3');
    expect(pick?.s.h).toBe(6000);
    expect(choose([{ cand: candidate('r1:sh01'), s: unreliable }])).toBeNull();
    expect(markdown([{ cand: candidate('r1:sh3'), s: good }], 'cmd', 'T', [], true)).toContain('Confirmed on these seeds: r = 1, 10 000 it., S+noise shared τ 3, anneal 3000, H = 6000 passes the rule.');
    expect(markdown([{ cand: candidate('r1:sh3'), s: unreliable }], 'cmd', 'T', [], true)).toContain('**Not confirmed** on these seeds');
    expect(() => candidate('r9:pe3')).toThrow(/unknown candidate "r9:pe3"/);
  });

  it('replaces only its own generated section of the write-up', () => {
    const doc = 'intro\n<!-- generated:a -->\nold\n<!-- /generated:a -->\nreading\n';
    expect(replaceSection(doc, 'a', 'new\n')).toBe('intro\n<!-- generated:a -->\nnew\n<!-- /generated:a -->\nreading\n');
    expect(replaceSection('intro\n', 'b', 'x\n')).toBe('intro\n\n<!-- generated:b -->\nx\n<!-- /generated:b -->\n');
    expect(parseSeeds('1-3,7')).toEqual([1, 2, 3, 7]);
  });
});
