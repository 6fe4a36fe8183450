import { describe, expect, it } from 'vitest';
import { checkRunSpec, runSpecJsonSchema } from '../../spec';
import { resolveSyntheticSpec, stationaryTau0 } from './resolve';
import { SyntheticSpecSchema } from './spec';

describe('synthetic spec', () => {
  it('fills the paper scalings as defaults', () => {
    const spec = SyntheticSpecSchema.parse({ kind: 'synthetic', seed: 1, data: { d: 256, kappa: 0.5 } });
    const { resolved, problems } = resolveSyntheticSpec(spec);
    expect(problems).toEqual([]);
    expect(resolved.N).toBe(1024);
    expect(resolved.p0).toBeCloseTo(0.125, 12);
    expect(resolved.r).toBeCloseTo(Math.pow(256, -0.75), 12);
    expect(resolved.lambda).toBeCloseTo(Math.pow(256, -1.25), 12);
    expect(spec.algorithm.name).toBe('L-S');
    if (spec.algorithm.name === 'L-S') expect(spec.algorithm.anneal.mode).toBe('loss-threshold');
  });

  it('lets every scaling be overridden', () => {
    const spec = SyntheticSpecSchema.parse({
      kind: 'synthetic',
      seed: 1,
      data: { d: 64, N: 100, p0: 0.2, r: 0.3 },
      objective: { lambda: 0.001 },
      init: { tau0: 0.05 },
    });
    const { resolved } = resolveSyntheticSpec(spec);
    expect([resolved.N, resolved.p0, resolved.r, resolved.lambda, resolved.tau0]).toEqual([100, 0.2, 0.3, 0.001, 0.05]);
    expect(resolved.kappa).toBeCloseTo(0.8, 12);
  });

  it('lists every problem with its path', () => {
    const c = checkRunSpec({
      kind: 'synthetic',
      seed: 1,
      data: { d: 10, p0: 0.7, q0: 0.6 },
      model: { variant: 'two-layer-conv', patches: 3 },
      algorithm: { name: 'S', eta2: -1 },
    });
    expect(c.ok).toBe(false);
    if (c.ok) return;
    const paths = c.problems.map((p) => p.path);
    expect(paths).toContain('algorithm.eta2');
    // Cross-field problems are reported only once field-level parsing succeeded, so check them separately.
    const c2 = checkRunSpec({
      kind: 'synthetic',
      seed: 1,
      data: { d: 10, p0: 0.7, q0: 0.6 },
      model: { variant: 'two-layer-conv', patches: 3 },
      algorithm: { name: 'S' },
    });
    expect(c2.ok).toBe(false);
    if (c2.ok) return;
    const p2 = c2.problems.map((p) => p.path);
    expect(p2).toEqual(expect.arrayContaining(['data.q0', 'model.patches', 'init.stationaryRate']));
    expect(c2.problems.find((p) => p.path === 'data.q0')?.message).toMatch(/p0 \+ q0 must be ≤ 1/);
  });

  it('stationary τ0 is the fixed point of U ← (1 − ηλ)U − ηξ', () => {
    const eta = 0.5;
    const tauXi = 0.3;
    const lambda = 0.01;
    const t0 = stationaryTau0(eta, tauXi, lambda);
    expect(t0 * t0).toBeCloseTo((eta * tauXi * tauXi) / (lambda * (2 - eta * lambda)), 12);
    // Var(U') = (1 − ηλ)² τ0² + η² τ_ξ² must equal τ0².
    expect((1 - eta * lambda) ** 2 * t0 * t0 + eta * eta * tauXi * tauXi).toBeCloseTo(t0 * t0, 10);
    const spec = SyntheticSpecSchema.parse({
      kind: 'synthetic',
      seed: 3,
      objective: { lambda },
      gradientNoise: { tauXi },
      algorithm: { name: 'L-S', eta1: eta },
    });
    expect(resolveSyntheticSpec(spec).resolved.tau0).toBeCloseTo(t0, 12);
  });

  it('converts to a JSON Schema with help text', () => {
    const js = JSON.stringify(runSpecJsonSchema());
    expect(js).toContain('η1 — initial (large) learning rate');
    expect(js).toContain('stationary');
  });
});
