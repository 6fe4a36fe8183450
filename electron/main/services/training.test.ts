import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, type Host } from '../host/host';
import { PRESETS } from '../../../engine/presets';
import type { ComparisonPlanInfo } from '../../api/schemas';

let dir: string;
let host: Host;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lrlab-train-'));
  host = await createHost({ mode: 'cli', storePath: join(dir, 'runs.sqlite'), backend: 'wasm', log: () => {} });
});
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

const preset = (name: string) => ({ ...(PRESETS.find((p) => p.name === name)!.spec as Record<string, unknown>), seed: 1 });

describe('training service (design side)', () => {
  it('derives N, p0·N vs d and the stationary τ0 for a synthetic spec, and previews its schedule', async () => {
    const v = await host.dispatch('training.validate', { spec: preset('toy-noise') });
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const val = v.value as { ok: boolean; derived: { label: string; value: unknown }[] };
    expect(val.ok).toBe(true);
    const labels = val.derived.map((d) => d.label);
    expect(labels).toEqual(expect.arrayContaining(['N (training examples)', 'p0·N vs d', 'τ0 (init std)', 'Estimated time', 'Peak memory (est.)']));
    const p = await host.dispatch('training.schedulePreview', { spec: preset('toy-noise') });
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    const s = p.value as { x: number[]; noise: number[]; lr: number[]; annealAt: number };
    // S+noise: the small rate throughout; noise on until its anneal iteration, then 0.
    expect(new Set(s.lr).size).toBe(1);
    expect(s.noise[0]).toBeGreaterThan(0);
    expect(s.noise.at(-1)).toBe(0);
    expect(s.x.findIndex((x, i) => s.noise[i] === 0 && x >= s.annealAt)).toBeGreaterThan(0);
  });

  it('previews the Fig. 3 schedules per epoch: the 30th epoch already at the small rate (authors: E >= 30)', async () => {
    const p = await host.dispatch('training.schedulePreview', { spec: preset('patch-cifar-large-lr') });
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    const s = p.value as { xUnit: string; x: number[]; lr: number[]; annealAt: number };
    expect(s.xUnit).toBe('epoch');
    expect(s.x[28]).toBe(29);
    expect(s.lr[28]).toBeCloseTo(0.1);
    expect(s.lr[29]).toBeCloseTo(0.004);
    expect(s.annealAt).toBe(30);
  });

  it('refuses a spec with an unknown key (issue 14 item 7), naming its path; the designer checks say the same', async () => {
    const spec = { ...preset('toy-s'), model: { width: 64, widht: 32 }, stoping: { maxIterations: 5 } };
    const l = await host.dispatch('training.launch', { spec });
    expect(l.ok).toBe(false);
    if (l.ok) return;
    expect(l.error.code).toBe('invalid_spec');
    expect(l.error.issues?.map((p) => p.path).sort()).toEqual(['spec.model.widht', 'spec.stoping']);
    expect(l.error.message).toMatch(/model\.widht: unknown field "widht" in model.*Remove it or fix its name; the fields here are patches, variant, width/);
    expect(host.store.listRuns({}).total).toBe(0);
    const v = await host.dispatch('training.validate', { spec });
    expect(v.ok && (v.value as { ok: boolean; problems: { path: string }[] }).problems.map((p) => p.path).sort()).toEqual(['model.widht', 'stoping']);
    // Every preset, as the designer loads it, still validates.
    for (const p of PRESETS) {
      const r = await host.dispatch('training.validate', { spec: { ...preset(p.name), backend: 'cpu' } });
      expect(r.ok && (r.value as { problems: { path: string; message: string }[] }).problems.filter((x) => /unknown field/.test(x.message))).toEqual([]);
    }
  });

  it('refuses WRN-16-10 on wasm before it starts, naming a setting that fits', async () => {
    const v = await host.dispatch('training.validate', { spec: preset('patch-cifar-small-lr') });
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    const val = v.value as { ok: boolean; problems: { message: string }[] };
    expect(val.ok).toBe(false);
    expect(val.problems[0]?.message).toMatch(/wasm.*Nearest settings that fit/);
    const l = await host.dispatch('training.launch', { spec: preset('patch-cifar-small-lr') });
    expect(l.ok).toBe(false);
    if (l.ok) return;
    expect(l.error.code).toBe('unavailable');
    expect(host.store.listRuns({}).total).toBe(0);
  });

  it('launches a comparison: the three conditions × seeds, grouped per condition', async () => {
    const r = await host.dispatch('training.launchComparison', { comparison: 'toy', seeds: [1, 2], set: { 'stopping.maxIterations': 5 } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { runIds, groupId } = r.value as { runIds: string[]; groupId: string };
    expect(runIds).toHaveLength(6);
    const rows = host.store.listRuns({ tag: [groupId] }).rows;
    expect(new Set(rows.map((x) => x.preset))).toEqual(new Set(['toy-ls', 'toy-s', 'toy-noise']));
    expect(new Set(rows.map((x) => x.groupId)).size).toBe(3);
    const bad = await host.dispatch('training.launchComparison', { comparison: 'toy', seeds: [1], set: { 'data.d': -3 } });
    expect(bad.ok).toBe(false);
    expect(host.store.listRuns({}).total).toBe(6);
  });

  it("applies an edit only to the arms it means something to (an L-S anneal point is not an unknown field of S's spec)", async () => {
    const r = await host.dispatch('training.launchComparison', { comparison: 'toy', seeds: [1], set: { 'stopping.maxIterations': 5, 'algorithm.anneal.at': 3 } });
    expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    if (!r.ok) return;
    const specs = (r.value as { runIds: string[] }).runIds.map((id) => JSON.parse(host.store.getRun(id).specJson) as { algorithm: { name: string; anneal?: { at?: number } }; stopping: { maxIterations: number } });
    expect(specs.map((s) => s.stopping.maxIterations)).toEqual([5, 5, 5]);
    const ls = specs.find((s) => s.algorithm.name === 'L-S');
    expect(ls?.algorithm.anneal?.at).toBe(3);
    for (const s of specs.filter((x) => x.algorithm.name !== 'L-S')) expect(s.algorithm).not.toHaveProperty('anneal');
    // …but an edit no arm has is refused, not dropped: a misspelt parent, and nothing launched.
    const before = host.store.listRuns({}).total;
    const typo = await host.dispatch('training.launchComparison', { comparison: 'toy', seeds: [1], set: { 'modle.width': 8 } });
    expect(typo.ok).toBe(false);
    if (!typo.ok) expect(typo.error.message).toMatch(/modle\.width/);
    expect(host.store.listRuns({}).total).toBe(before);
  });

  it('plans a comparison without launching it: per arm what the launch applies, and what it refuses', async () => {
    const before = host.store.listRuns({}).total;
    const r = await host.dispatch('training.planComparison', { comparison: 'toy', set: { 'stopping.maxIterations': 5, 'algorithm.anneal.at': 3 } });
    expect(r.ok, r.ok ? '' : r.error.message).toBe(true);
    if (!r.ok) return;
    const plan = r.value as ComparisonPlanInfo;
    expect(plan.arms.map((a) => a.preset)).toEqual(PRESETS.filter((p) => p.comparison === 'toy').map((p) => p.name));
    expect(plan.refused).toEqual([]);
    for (const a of plan.arms) {
      const spec = PRESETS.find((p) => p.name === a.preset)!.spec as { algorithm: { name: string }; stopping?: { maxIterations?: number } };
      const paths = a.changes.map((c) => c.path);
      // The L-S arm gets the anneal point; the others leave it out, as the launch above did.
      if (spec.algorithm.name === 'L-S') expect(paths).toContain('algorithm.anneal.at');
      else expect(a.notApplied).toEqual(['algorithm.anneal.at']);
      expect(a.changes.find((c) => c.path === 'stopping.maxIterations')).toMatchObject({ from: spec.stopping?.maxIterations, to: 5 });
    }
    // A misspelt path is listed as refused, with why; nothing is launched by planning.
    const typo = await host.dispatch('training.planComparison', { comparison: 'toy', set: { 'modle.width': 8 } });
    expect(typo.ok).toBe(true);
    if (typo.ok) expect((typo.value as ComparisonPlanInfo).refused).toEqual([{ path: 'modle.width', message: expect.stringMatching(/not a field of a synthetic spec/) }]);
    const unknown = await host.dispatch('training.planComparison', { comparison: 'nope', set: {} });
    expect(unknown.ok).toBe(false);
    expect(host.store.listRuns({}).total).toBe(before);
  });
});
