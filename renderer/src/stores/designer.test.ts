import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { PresetInfo, RunSpec } from '@api/index';
import { setApi } from '../api';
import { FakeApiError, fakeApi } from '../testing';
import type { Handlers } from '../testing';
import snapshot from '../lib/__fixtures__/runSpec.schema.json';
import { useDesignerStore } from './designer';

const toyLs: PresetInfo = {
  name: 'toy-ls',
  group: 'synthetic',
  groupTitle: 'Synthetic',
  title: 'Toy L-S',
  description: 'large then small',
  condition: 'large-lr',
  comparison: 'toy',
  spec: { kind: 'synthetic', data: { d: 64 }, algorithm: { name: 'L-S', eta1: 0.1, eta2: 0.01 } },
};

/** The fake host accepts a draft as it is (the real one returns it parsed, defaults filled in). */
const accept = (spec: Record<string, unknown>): RunSpec => spec as unknown as RunSpec;

function memoryStorage(): { getItem(k: string): string | null; setItem(k: string, v: string): void; data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

function setup(extra: Handlers = {}) {
  const f = fakeApi({
    'training.specSchema': () => snapshot as Record<string, unknown>,
    'training.presets': () => [toyLs],
    'training.validate': ({ spec }) => {
      const d = (spec.data as { d?: number } | undefined)?.d ?? 64;
      return {
        ok: d >= 2,
        problems: d >= 2 ? [] : [{ path: 'data.d', message: 'Too small: expected number to be >=2' }],
        derived: [{ label: 'N', value: Math.round(d / 0.25), unit: 'examples' }],
        resolved: d >= 2 ? accept(spec) : null,
      };
    },
    'training.schedulePreview': () => ({ xUnit: 'step', x: [0, 1], lr: [0.1, 0.01], noise: [0, 0], annealAt: null, note: null }),
    ...extra,
  });
  setApi(f.api);
  const s = useDesignerStore();
  s.validateDelayMs = 0;
  s.setStorage(memoryStorage());
  return { f, s };
}

describe('designer store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('loads schema and presets, groups presets, and starts a spec from a preset with a seed', async () => {
    const { s } = setup();
    await s.init();
    expect(s.kinds).toEqual(['synthetic', 'image']);
    expect(s.presetGroups.find((g) => g.id === 'synthetic')?.presets.map((p) => p.name)).toEqual(['toy-ls']);
    s.loadPreset('toy-ls');
    expect(s.spec.seed).toBe(0);
    expect(s.source).toEqual({ type: 'preset', name: 'toy-ls', title: 'Toy L-S' });
    await s.validateNow();
    expect(s.validation?.derived[0]).toEqual({ label: 'N', value: 256, unit: 'examples' });
    expect(s.preview?.lr).toEqual([0.1, 0.01]);
    expect(s.blockers).toEqual([]);
  });

  it('flags a bad value at once, blocks the launch with the reason, and keeps the JSON in step', async () => {
    const { s } = setup();
    await s.init();
    s.loadPreset('toy-ls');
    s.setField(['data', 'd'], 1);
    expect(s.problems.get('data.d')).toMatch(/Too small/);
    expect(s.blockers.join(' ')).toMatch(/1 problem to fix — data.d: Too small/);
    expect(JSON.parse(s.jsonText).data.d).toBe(1);
    await s.validateNow();
    expect(s.validation?.ok).toBe(false);
    expect(await s.launch()).toBeNull();
  });

  it('takes a spec from JSON text, and flags text that does not parse without losing the spec', async () => {
    const { s } = setup();
    await s.init();
    s.setJson('{"kind":"synthetic","seed":5,"data":{"d":16},"algorithm":{"name":"S"}}');
    expect(s.spec).toMatchObject({ seed: 5, data: { d: 16 } });
    s.setJson('{"kind":');
    expect(s.jsonError).toBeTruthy();
    expect(s.spec.seed).toBe(5);
    expect(s.blockers.some((b) => b.startsWith('The JSON does not parse'))).toBe(true);
  });

  it('ignores a stale validation answer', async () => {
    let release: () => void = () => {};
    const { s } = setup({
      'training.validate': ({ spec }) => {
        const d = (spec.data as { d: number }).d;
        const answer = { ok: true, problems: [], derived: [{ label: 'd', value: d }], resolved: accept(spec) };
        return d === 10 ? new Promise((r) => (release = () => r(answer))) : answer;
      },
    });
    await s.init();
    s.loadPreset('toy-ls');
    s.setField(['data', 'd'], 10);
    const slow = s.validateNow();
    s.setField(['data', 'd'], 20);
    await s.validateNow();
    release();
    await slow;
    expect(s.validation?.derived[0]?.value).toBe(20);
  });

  it('offers Slurm when the host has it and launches there with the chosen options', async () => {
    const { s, f } = setup({
      'training.executors': () => ({ slurm: { partitions: ['debug', 'gpu'], defaultPartition: 'debug', defaults: { partition: null, time: '1:00:00', gpus: null, maxParallel: 4, requeue: 2 }, clusterDir: '/shared/c' }, reason: null }),
      'training.launch': ({ seeds }) => ({ runIds: (seeds ?? []).map((x) => `r${x}`), groupId: null }),
    });
    await s.init();
    await s.loadExecutors();
    expect(s.executors?.slurm?.partitions).toEqual(['debug', 'gpu']);
    s.loadPreset('toy-ls');
    await s.validateNow();
    await s.launch();
    expect(f.calls.filter((c) => c.method === 'training.launch')[0]?.input).not.toHaveProperty('executor');
    s.runOn = 'slurm';
    s.slurmOptions.partition = 'gpu';
    await s.launch();
    expect(f.calls.filter((c) => c.method === 'training.launch')[1]?.input).toMatchObject({ executor: { kind: 'slurm', partition: 'gpu', time: '1:00:00', maxParallel: 4, requeue: 2 } });
    s.slurmOptions.requeue = 0;
    await s.launch();
    expect(f.calls.filter((c) => c.method === 'training.launch')[2]?.input).toMatchObject({ executor: { kind: 'slurm', requeue: 0 } });
  });

  it('launches the seeds in a group and reports the host error as a message', async () => {
    const { s, f } = setup({
      'training.launch': ({ seeds }) => ({ runIds: (seeds ?? []).map((x) => `r${x}`), groupId: 'g1' }),
    });
    await s.init();
    s.loadPreset('toy-ls');
    s.setField(['seed'], 7);
    s.seedCount = 3;
    await s.validateNow();
    expect(await s.launch()).toEqual({ runIds: ['r7', 'r8', 'r9'], groupId: 'g1' });
    expect(f.calls.find((c) => c.method === 'training.launch')?.input).toMatchObject({ seeds: [7, 8, 9], preset: 'toy-ls' });

    const bad = setup({ 'training.launch': () => { throw new FakeApiError('invalid_spec', 'Invalid run spec', [{ path: 'data.d', message: 'odd' }]); } });
    setActivePinia(createPinia());
    const s2 = bad.s;
    await s2.init();
    s2.loadPreset('toy-ls');
    await s2.validateNow();
    expect(await s2.launch()).toBeNull();
    expect(s2.launchError).toBe('Invalid run spec: data.d — odd');
  });

  it('launches the three conditions with the edits made outside the algorithm', async () => {
    const { s, f } = setup({ 'training.launchComparison': ({ seeds }) => ({ runIds: ['a', 'b', 'c'].slice(0, 3 * seeds.length), groupId: 'cmp' }) });
    await s.init();
    s.loadPreset('toy-ls');
    s.setField(['data', 'd'], 32);
    s.setField(['algorithm', 'eta1'], 0.5);
    expect(s.comparisonOverrides).toEqual({ 'data.d': 32 });
    await s.launchComparison();
    expect(f.calls.find((c) => c.method === 'training.launchComparison')?.input).toEqual({ comparison: 'toy', seeds: [0], set: { 'data.d': 32 } });
  });

  it("shows the host's plan for the comparison under the current edits, and says when the host could not plan it", async () => {
    const plan = { arms: [{ preset: 'toy-ls', condition: 'large-lr', title: 'Toy L-S', changes: [{ path: 'data.d', from: 64, to: 32, overridesCondition: false }], notApplied: [] }], refused: [] };
    const { s, f } = setup({ 'training.planComparison': () => plan });
    await s.init();
    s.loadPreset('toy-ls');
    s.setField(['data', 'd'], 32);
    await s.planComparison();
    expect(f.calls.find((c) => c.method === 'training.planComparison')?.input).toEqual({ comparison: 'toy', set: { 'data.d': 32 } });
    expect(s.comparisonPlan).toEqual(plan);
    expect(s.comparisonPlanPending).toBe(false);
    setActivePinia(createPinia());
    const { s: s2 } = setup({ 'training.planComparison': () => { throw new FakeApiError('unavailable', 'host gone'); } });
    await s2.init();
    s2.loadPreset('toy-ls');
    await s2.planComparison();
    expect(s2.comparisonPlan).toBeNull();
    expect(s2.comparisonPlanError).toMatch(/host gone/);
  });

  it('re-runs from a past run, and saves and reloads user presets', async () => {
    const { s, f } = setup({
      'runs.get': ({ id }) => ({ id, name: 'old run', preset: 'toy-s', spec: { kind: 'synthetic', seed: 3, algorithm: { name: 'S' } } }) as never,
      'training.launch': () => ({ runIds: ['new'], groupId: null }),
    });
    await s.init();
    await s.loadRun('run-1');
    expect(s.source).toEqual({ type: 'run', id: 'run-1', name: 'old run', preset: 'toy-s' });
    await s.validateNow();
    await s.launch();
    expect(f.calls.find((c) => c.method === 'training.launch')?.input).toMatchObject({ preset: 'toy-s', seeds: [3] });
    expect(s.spec.seed).toBe(3);
    expect(s.saveUserPreset('  mine ')).toBe(true);
    s.loadPreset('toy-ls');
    s.loadUserPreset('mine');
    expect(s.spec).toEqual({ kind: 'synthetic', seed: 3, algorithm: { name: 'S' } });
    s.deleteUserPreset('mine');
    expect(s.userPresets).toEqual([]);
  });

  it('says why it cannot start when the host is down', async () => {
    const { s } = setup({ 'training.specSchema': () => { throw new FakeApiError('unavailable', 'host gone'); } });
    await s.init();
    expect(s.loadError).toBe('host gone');
    expect(s.blockers[0]).toBe('The spec schema could not be loaded');
  });
});

describe('designer extras', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('keeps the derived values of the last valid spec while the current one has problems', async () => {
    const { s } = setup({
      'training.validate': ({ spec }) => {
        const d = (spec.data as { d?: number } | undefined)?.d ?? 64;
        return d >= 2
          ? { ok: true, problems: [], derived: [{ label: 'N', value: d * 4 }], resolved: accept(spec) }
          : { ok: false, problems: [{ path: 'data.d', message: 'too small' }], derived: [], resolved: null };
      },
    });
    await s.init();
    s.loadPreset('toy-ls');
    await s.validateNow();
    s.setField(['data', 'd'], 1);
    await s.validateNow();
    expect(s.derivedStale).toBe(true);
    expect(s.derived).toEqual([{ label: 'N', value: 256 }]);
  });

  it('lists recent runs to re-run, and copes with a host that cannot list them', async () => {
    const { s } = setup({ 'runs.list': (q) => ({ total: 1, rows: [{ id: 'r9', name: 'last', limit: q.limit } as never] }) });
    await s.loadRecentRuns();
    expect(s.recentRuns.map((r) => r.id)).toEqual(['r9']);
    setActivePinia(createPinia());
    const bad = setup({ 'runs.list': () => { throw new FakeApiError('store_error', 'locked'); } });
    await bad.s.loadRecentRuns();
    expect(bad.s.recentRuns).toEqual([]);
  });
});
