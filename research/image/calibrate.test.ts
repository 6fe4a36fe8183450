/** The calibration script's criteria and run keys (no training: made-up curves). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveRunSpec } from '../../engine/cli';
import type { Candidate, ImageRun } from './calibrate';
import { ARMS, armOverrides, armPreset, armSet, judge, judgeSeeds, report, runKey, shouldDrop, storedMismatch, verdict } from './calibrate';

const c: Candidate = { name: 'x', set: ['patch.beta=0.5'], large: 0.1, small: 0.004, noise: 0.4, anneal: 4 };
function run(arm: ImageRun['arm'], seed: number, patchOnly: number[], clean: number[] = patchOnly.map(() => 0.8), collapsed = false): ImageRun {
  return { arm, seed, status: 'completed', collapsed, wallS: 1, patchOnly, clean, trainAcc: clean };
}

const candidates = (file: string) => JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), file), 'utf8')) as Candidate[];

describe('calibrate', () => {
  it('judges the three criteria at the last epoch before the anneal and at the end', () => {
    const runs = [
      run('small-lr', 1, [0.3, 0.6, 0.9, 0.95, 0.97]),
      run('large-lr', 1, [0.1, 0.2, 0.3, 0.8, 0.9]),
      run('noise', 1, [0.1, 0.2, 0.6, 0.8, 0.9]),
    ];
    // Epoch 3 is the last before the anneal at 4: 0.9 − max(0.3, 0.6) = 0.3.
    const v = judge(c, runs);
    expect(v.preAnnealMargin).toBeCloseTo(0.3, 12);
    expect(v.postAnnealLarge).toBeCloseTo(0.9, 12);
    expect(v.pass).toBe(true);
    // The same runs with the noise arm closer than 0.25 fail; a collapsed arm fails whatever the curves.
    expect(judge(c, [runs[0]!, runs[1]!, run('noise', 1, [0.1, 0.2, 0.7, 0.8, 0.9])]).pass).toBe(false);
    expect(judge(c, [runs[0]!, run('large-lr', 1, [0.1, 0.2, 0.3, 0.8, 0.9], undefined, true), runs[2]!]).noCollapse).toBe(false);
    // Large LR that never learns the patch after the anneal fails criterion 3.
    expect(judge(c, [runs[0]!, run('large-lr', 1, [0.1, 0.1, 0.1, 0.2, 0.3]), runs[2]!]).pass).toBe(false);
  });

  it('judges each seed on its own, and reports per-epoch means with Welch tests', () => {
    const runs = [1, 2].flatMap((s) => [
      run('small-lr', s, [0.3, 0.6, 0.9, 0.95, 0.97], [0.8, 0.8, 0.8, 0.8, 0.79 + 0.01 * s]),
      run('large-lr', s, s === 1 ? [0.1, 0.2, 0.3, 0.8, 0.9] : [0.1, 0.2, 0.3, 0.3, 0.3], [0.7, 0.7, 0.7, 0.8, 0.81 + 0.01 * s]),
      run('noise', s, [0.1, 0.2, 0.3, 0.8, 0.9]),
    ]);
    expect(judgeSeeds(c, runs).map((x) => x.verdict.pass)).toEqual([true, false]);
    const md = report(c, runs, [1, 2]);
    expect(md).toContain('seeds passing: 1 of 2');
    expect(md).toMatch(/\| 3 \| 0\.30 ± 0\.00 \| 0\.90 ± 0\.00 \| 0\.30 ± 0\.00 \|/);
    expect(md).toMatch(/Welch's t-test on final clean accuracy: large vs small p = /);
  });

  it('passes a candidate only when every seed passes, even where the means pass', () => {
    // Seed 2's large-LR model already fits the patch before the anneal (0.7 at epoch 3: margin 0.2),
    // but on the means the margin is 0.9 − max((0.3 + 0.7) / 2, 0.3) = 0.4 ≥ 0.25.
    const runs = [1, 2].flatMap((s) => [
      run('small-lr', s, [0.3, 0.6, 0.9, 0.95, 0.97]),
      run('large-lr', s, s === 1 ? [0.1, 0.2, 0.3, 0.8, 0.9] : [0.1, 0.4, 0.7, 0.9, 0.95]),
      run('noise', s, [0.1, 0.2, 0.3, 0.8, 0.9]),
    ]);
    const v = verdict(c, runs);
    expect(v.pooled.pass).toBe(true);
    expect(v.pooled.preAnnealMargin).toBeCloseTo(0.4, 12);
    expect(v.perSeed.map((p) => [p.seed, p.verdict.pass])).toEqual([[1, true], [2, false]]);
    expect(v.perSeed[1]!.verdict.preAnnealMargin).toBeCloseTo(0.2, 12);
    expect(v).toMatchObject({ pass: false, seedsPassing: 1, seeds: 2 });
    const md = report(c, runs, [1, 2]);
    expect(md).toContain('**Verdict (every seed must pass): fails** — seeds passing: 1 of 2');
    expect(md).toContain('On the means (pooled, not deciding): would pass');
    expect(md).not.toMatch(/Verdict[^\n]*\*\*passes\*\*/);
    // --drop-after: one failing seed is enough to stop a candidate (it can no longer pass on every seed) …
    expect(shouldDrop(c, runs, 2)).toBe(true);
    expect(shouldDrop(c, runs, 3)).toBe(false);
    // … and a candidate whose every seed passes passes.
    const good = runs.filter((r) => r.seed === 1);
    expect(verdict(c, good)).toMatchObject({ pass: true, seedsPassing: 1, seeds: 1 });
    expect(report(c, good, [1])).toContain('**Verdict (every seed must pass): passes**');
    expect(shouldDrop(c, good, 1)).toBe(false);
    expect(verdict(c, []).pass).toBe(false);
  });

  it('keys a run by its arm and overrides, so candidates differing only in the large LR share small-LR runs', () => {
    const d = { ...c, large: 0.2 };
    expect(runKey(c, 'small-lr', 1)).toBe(runKey(d, 'small-lr', 1));
    expect(runKey(c, 'noise', 1)).toBe(runKey(d, 'noise', 1));
    expect(runKey(c, 'large-lr', 1)).not.toBe(runKey(d, 'large-lr', 1));
    expect(runKey(c, 'small-lr', 1)).not.toBe(runKey(c, 'small-lr', 2));
    expect(armOverrides(c, 'large-lr')).toEqual(['patch.beta=0.5', 'optim.lr=0.1', 'lrSchedule={"kind":"step","atEpoch":4,"factor":0.04}']);
  });

  it('pinned preset values are applied but do not change which stored runs a candidate names; a stored run of the wrong length is refused', () => {
    const pinned: Candidate = { ...c, pinned: ['epochs=7'] };
    for (const arm of ARMS) expect(runKey(pinned, arm, 3)).toBe(runKey(c, arm, 3));
    expect(armSet(pinned, 'small-lr')).toEqual(['epochs=7', 'patch.beta=0.5', 'optim.lr=0.004']);
    // The candidate's own `set` still wins over a pinned value.
    const spec = resolveRunSpec({ preset: armPreset('noise'), seed: 3, set: armSet({ ...pinned, set: ['patch.beta=0.5', 'epochs=9'] }, 'noise') });
    expect(spec.kind === 'image' && spec.epochs).toBe(9);
    const seven = run('small-lr', 3, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(storedMismatch(pinned, 'small-lr', seven)).toBeNull();
    expect(storedMismatch(pinned, 'small-lr', { ...seven, patchOnly: [0.1], clean: [0.8] })).toMatch(/1 epochs, but candidate x now resolves to 7 .*"epochs=1"/);
    // A run that stopped early (diverged) is kept whatever its length.
    expect(storedMismatch(pinned, 'small-lr', { ...seven, status: 'diverged', clean: [0.8] })).toBeNull();
  });

  it('the confirmation candidate of the shipped presets (confirm3.json) resolves to exactly the patch-fmnist presets, so its table confirms them', () => {
    const [cand, ...rest] = candidates('confirm3.json');
    expect(rest).toEqual([]);
    for (const arm of ARMS) {
      const preset = armPreset(arm);
      expect(resolveRunSpec({ preset, seed: 301, set: armSet(cand!, arm) })).toEqual(resolveRunSpec({ preset, seed: 301 }));
    }
  });

  it("round 3's confirmation candidate (confirm.json) still resolves to round 3's presets (β 0.5, 0.1 → 0.004 from epoch 4, noise 0.4, 10 epochs), so its stored runs keep their meaning", () => {
    const [cand] = candidates('confirm.json');
    const spec = (arm: (typeof ARMS)[number]) => {
      const s = resolveRunSpec({ preset: armPreset(arm), seed: 101, set: armSet(cand!, arm) });
      if (s.kind !== 'image') throw new Error('not an image spec');
      return s;
    };
    const [l, s, n] = [spec('large-lr'), spec('small-lr'), spec('noise')];
    for (const x of [l, s, n]) expect([x.epochs, x.patch.enabled && x.patch.beta, x.model]).toEqual([10, 0.5, { arch: 'small-cnn', width: 8 }]);
    expect([l.optim.lr, l.lrSchedule]).toEqual([0.1, { kind: 'step', atEpoch: 4, factor: 0.04 }]);
    expect([s.optim.lr, s.lrSchedule, s.noiseSchedule]).toEqual([0.004, { kind: 'constant' }, { kind: 'none' }]);
    expect([n.optim.lr, n.noiseSchedule]).toEqual([0.004, { kind: 'step', std: 0.4, atEpoch: 4, factor: 1e-5 }]);
  });
});
