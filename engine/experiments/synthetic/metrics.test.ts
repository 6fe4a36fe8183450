import { describe, expect, it } from 'vitest';
import { KIND_BOTH, KIND_P_ONLY, KIND_Q_ONLY } from './data';
import { SYNTHETIC_METRIC_KEYS, softplus, trainMetrics } from './metrics';

describe('synthetic metrics', () => {
  it('train/acc is the overall training accuracy (spec: every run records its training accuracy)', () => {
    // 5 examples: P-only ✓ ✗, Q-only ✓, both ✓ ✗ → overall 3/5; f = 0 counts as an error.
    const y = Float32Array.from([1, -1, 1, -1, 1]);
    const f = Float32Array.from([2, 0.5, 1, -3, 0]);
    const ds = { n: 5, d: 1, x: new Float32Array(10), y, kind: Uint8Array.from([KIND_P_ONLY, KIND_P_ONLY, KIND_Q_ONLY, KIND_BOTH, KIND_BOTH]) };
    const m = trainMetrics(ds, { f, r: f, g: new Float32Array(5) });
    expect(SYNTHETIC_METRIC_KEYS).toContain('train/acc');
    expect(m['train/acc']).toBeCloseTo(3 / 5, 12);
    expect(m['train/p_only/acc']).toBeCloseTo(1 / 2, 12);
    expect(m['train/both/acc']).toBeCloseTo(1 / 2, 12);
    const loss = [0, 1, 2, 3, 4].reduce((s, i) => s + softplus(-(y[i] ?? 0) * (f[i] ?? 0)), 0) / 5;
    expect(m['train/loss']).toBeCloseTo(loss, 12);
  });
});
