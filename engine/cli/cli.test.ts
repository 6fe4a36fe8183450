import { describe, expect, it } from 'vitest';
import { SpecError } from '../spec';
import type { SweepSpec } from '../spec/sweep';
import { OverrideError, applyOverrides, parseOverrides } from './overrides';
import { formatPresetList } from './presets';
import { resolveRunSpec } from './resolve';
import { resultToJson } from './json';
import type { CliRunResult } from './run';
import { runWithProgress } from './run';
import { expandSweepPoints, formatSweepTable, parseSweepSpec, sweepLabel } from './sweep';

const tiny = {
  kind: 'synthetic',
  data: { d: 8, N: 32, testSize: 50 },
  model: { width: 8 },
  init: { tau0: 0.1 },
  algorithm: { name: 'S', eta2: 0.1 },
  stopping: { maxIterations: 6 },
  logging: { every: 3 },
};

describe('grid sweeps', () => {
  const grid = {
    kind: 'sweep',
    name: 'grid',
    base: tiny,
    parameter: 'data.r',
    values: [0.1, 1],
    grid: [
      { parameter: 'model.width', values: [4, 8] },
      { parameter: 'algorithm', values: [{ name: 'S', eta2: 0.02 }, { name: 'L-S', eta1: 0.5, eta2: 0.02, anneal: { mode: 'iteration', at: 3 } }] },
    ],
    seeds: [1, 2],
  };

  it('expands every combination × every seed, with every axis applied (an object replaces the field)', () => {
    const sweep = parseSweepSpec(grid);
    expect(sweepLabel(sweep)).toBe('data.r × model.width × algorithm');
    const pts = expandSweepPoints(sweep);
    expect(pts).toHaveLength(2 * 2 * 2 * 2);
    const first = pts[0]!;
    expect(first.value).toEqual({ 'data.r': 0.1, 'model.width': 4, algorithm: { name: 'S', eta2: 0.02 } });
    expect(first.seed).toBe(1);
    expect(pts[1]!.seed).toBe(2);
    // The last axis varies fastest, then seeds within each combination.
    expect((pts[2]!.value as Record<string, unknown>)['algorithm']).toMatchObject({ name: 'L-S' });
    const spec = pts[2]!.spec;
    if (spec.kind !== 'synthetic') throw new Error('kind');
    expect(spec.data.r).toBe(0.1);
    expect(spec.model.width).toBe(4);
    expect(spec.algorithm).toMatchObject({ name: 'L-S', eta1: 0.5, anneal: { mode: 'iteration', at: 3 } });
    expect(spec.name).toBe('grid data.r=0.1 model.width=4 algorithm=L-S s1');
    const last = pts.at(-1)!.spec;
    if (last.kind !== 'synthetic') throw new Error('kind');
    expect([last.data.r, last.model.width, last.algorithm.name, last.seed]).toEqual([1, 8, 'L-S', 2]);
    // One-parameter sweeps keep their plain values.
    expect(expandSweepPoints(parseSweepSpec({ ...grid, grid: [] }))[0]!.value).toBe(0.1);
  });

  it('rejects a parameter swept twice', () => {
    expect(() => parseSweepSpec({ ...grid, grid: [{ parameter: 'data.r', values: [2] }] })).toThrow(/swept twice/);
  });

  it('tables group rows by grid cell', () => {
    const pts = expandSweepPoints(parseSweepSpec(grid));
    const res = (v: number): CliRunResult => ({ spec: pts[0]!.spec, status: 'completed', backend: 'cpu', steps: 6, annealStep: null, wallS: 1, stopReason: 'max iterations', epochs: null, final: { 'test/p_only/err': v } });
    const out = formatSweepTable('grid', [
      { value: pts[0]!.value, seed: 1, result: res(0.1) },
      { value: pts[1]!.value, seed: 2, result: res(0.3) },
    ], ['test/p_only/err']);
    expect(out).toContain('data.r=0.1 model.width=4 algorithm=S');
    expect(out).toContain('0.2000±0.1414');
  });
});

describe('applyOverrides', () => {
  it('sets JSON values at dotted paths without touching the input', () => {
    const out = applyOverrides(tiny, parseOverrides(['data.d=16', 'algorithm.name=L-S', 'algorithm.eta1=0.3', 'init.tau0="stationary"', 'minibatch={"size":4}']));
    expect(out).toMatchObject({ data: { d: 16, N: 32 }, algorithm: { name: 'L-S', eta1: 0.3 }, init: { tau0: 'stationary' }, minibatch: { size: 4 } });
    expect(tiny.data.d).toBe(8);
  });

  it('rejects unknown paths with the list of valid ones', () => {
    let err: unknown;
    try {
      applyOverrides(tiny, parseOverrides(['data.dd=3', 'model.width=4', 'foo=1']));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OverrideError);
    const e = err as OverrideError;
    expect(e.message).toContain('"data.dd", "foo"');
    expect(e.validPaths).toEqual(expect.arrayContaining(['data.d', 'model.width', 'algorithm.eta1', 'algorithm.anneal.eps1', 'gradientNoise.tauXi']));
  });
});

describe('resolveRunSpec', () => {
  it('builds a preset spec with seed, overrides and backend', () => {
    const spec = resolveRunSpec({ preset: 'toy-ls', seed: 3, set: ['model.width=32'], backend: 'cpu' });
    expect(spec.seed).toBe(3);
    expect(spec.backend).toBe('cpu');
    expect(spec.name).toBe('toy-ls s3');
    if (spec.kind !== 'synthetic') throw new Error('kind');
    expect(spec.model.width).toBe(32);
    expect(spec.algorithm.name).toBe('L-S');
  });

  it('requires a seed and lists every problem', () => {
    expect(() => resolveRunSpec({ specInput: tiny })).toThrow(/seed/);
    let err: unknown;
    try {
      resolveRunSpec({ specInput: tiny, seed: 1, set: ['data.d=1', 'algorithm.eta2=0'] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).problems.map((p) => p.path).sort()).toEqual(['algorithm.eta2', 'data.d']);
  });

  it('refuses a sweep document and an unknown backend', () => {
    expect(() => resolveRunSpec({ specInput: { kind: 'sweep' }, seed: 1 })).toThrow(/sweep/);
    expect(() => resolveRunSpec({ specInput: tiny, seed: 1, backend: 'tpu' })).toThrow(/Unknown backend/);
  });
});

describe('sweeps', () => {
  const sweep: SweepSpec = parseSweepSpec({ kind: 'sweep', base: tiny, parameter: 'model.width', values: [4, 8], seeds: [1, 2], set: ['data.d=4'] });

  it('expands values × seeds into validated specs', () => {
    const pts = expandSweepPoints(sweep);
    expect(pts.map((p) => [p.value, p.seed])).toEqual([
      [4, 1],
      [4, 2],
      [8, 1],
      [8, 2],
    ]);
    for (const p of pts) {
      if (p.spec.kind !== 'synthetic') throw new Error('kind');
      expect(p.spec.model.width).toBe(p.value);
      expect(p.spec.seed).toBe(p.seed);
      expect(p.spec.data.d).toBe(4);
    }
  });

  it('rejects a sweep with no base and a bad parameter path', () => {
    expect(() => parseSweepSpec({ kind: 'sweep', parameter: 'x', values: [1], seeds: [1] })).toThrow(/preset or base/);
    expect(() => expandSweepPoints(parseSweepSpec({ kind: 'sweep', base: tiny, parameter: 'model.depth', values: [1], seeds: [1] }))).toThrow(/model.depth/);
  });

  it('formats one row per point and mean ± std per value', () => {
    const res = (v: number): CliRunResult => ({
      spec: expandSweepPoints(sweep)[0]!.spec,
      status: 'completed',
      backend: 'cpu',
      steps: 6,
      annealStep: null,
      wallS: 1,
      stopReason: 'max iterations',
      epochs: null,
      final: { 'test/p_only/err': v },
    });
    const out = formatSweepTable('model.width', [
      { value: 4, seed: 1, result: res(0.1) },
      { value: 4, seed: 2, result: res(0.3) },
      { value: 8, seed: 1, result: res(0.2) },
    ], ['test/p_only/err']);
    expect(out).toContain('0.2000±0.1414');
    expect(out.split('\n').filter((l) => /^\s*4\s/.test(l))).toHaveLength(3);
  });
});

describe('runWithProgress', () => {
  it('runs on the requested backend, reports progress on stderr and passes hooks through', async () => {
    const lines: string[] = [];
    const stderr = { write: (s: string) => (lines.push(s), true), isTTY: false };
    let metrics = 0;
    const spec = resolveRunSpec({ specInput: tiny, seed: 1 });
    const r = await runWithProgress(spec, { json: true, stderr, backend: 'cpu', hooks: { onMetrics: () => metrics++ } });
    // The engine's RunResult as it is (no renamed copy), with the spec and the backend.
    expect(Object.keys(r).sort()).toEqual(['annealStep', 'backend', 'collapsed', 'epochs', 'final', 'spec', 'status', 'steps', 'stopReason', 'wallS']);
    expect(r).toMatchObject({ status: 'completed', backend: 'cpu', steps: 6, annealStep: null, collapsed: expect.any(Boolean) });
    expect(metrics).toBe(3);
    expect(lines.join('')).toMatch(/backend: cpu/);
    expect(lines.join('')).toMatch(/completed after 6 steps/);
    const parsed = JSON.parse(resultToJson({ ...r, final: { ...r.final, x: Number.NaN } })) as { final: Record<string, unknown> };
    expect(parsed.final['x']).toBeNull();
  });
});

describe('formatPresetList', () => {
  it('prints one line per preset', () => {
    const out = formatPresetList();
    for (const name of ['toy-ls', 'toy-s', 'toy-noise']) expect(out).toMatch(new RegExp(`^${name}\\s+synthetic/toy/`, 'm'));
  });
});

describe('runSweep', () => {
  it('runs every point with its own hooks and tabulates them', async () => {
    const { runSweep } = await import('./sweep');
    const sweep = parseSweepSpec({ kind: 'sweep', base: { ...tiny, stopping: { maxIterations: 2 } }, parameter: 'model.width', values: [4, 6], seeds: [1] });
    const seen: string[] = [];
    const rows = await runSweep(sweep, {
      json: false,
      backend: 'cpu',
      stderr: { write: () => true, isTTY: false },
      hooksFor: (p) => ({ onMetrics: () => seen.push(`${String(p.value)}/${p.seed}`) }),
    });
    expect(rows.map((r) => [r.value, r.seed, r.result.status])).toEqual([
      [4, 1, 'completed'],
      [6, 1, 'completed'],
    ]);
    expect(new Set(seen)).toEqual(new Set(['4/1', '6/1']));
    expect(formatSweepTable(sweep.parameter, rows)).toContain('test/p_only/err');
  });
});
