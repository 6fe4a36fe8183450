/**
 * Adding an experiment kind is adding a folder: a kind registered only here (no other file
 * knows it) shows up in the designer's form, the memory check, the run list's condition label,
 * the run browser's columns and the comparison view's defaults.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createHost, type Host } from './host';
import { BUILTIN_KINDS, createRegistry, type ExperimentKind } from '../../../engine/experiments';
import { metric } from '../../../engine/experiments/kind';
import { fieldsFromSchema } from '../../../engine/experiments/fields';
import { commonSpecFields } from '../../../engine/spec/common';
import { newRunInput } from '../training/queue';
import { layoutNames, layoutSpec } from '../figures/layouts';
import type { KindInfo } from '../../api/schemas';
import type { RunSpec } from '../../../engine/spec';
// The renderer's pure helpers, fed what the api returns (as the run browser and comparison view are).
import { comparisonDefaults, conditionLabels, defaultMetricKeys, keyHparams } from '../../../renderer/src/lib/kinds';
import { metricColumns } from '../../../renderer/src/lib/columns';

const FakeSpecSchema = z.strictObject({
  kind: z.literal('fake-echo').meta({ title: 'Fake echo', description: 'A kind that exists only in this test' }),
  ...commonSpecFields,
  units: z.number().int().min(1).default(8).meta({ title: 'Units u', description: 'Hidden units of the fake net', unit: 'units' }),
  rate: z.number().positive().default(0.1).meta({ title: 'Rate ρ', description: 'The fake learning rate' }),
  steps: z.number().int().min(1).default(3),
});
type FakeSpec = z.infer<typeof FakeSpecSchema>;

const fakeKind: ExperimentKind<FakeSpec> = {
  kind: 'fake-echo',
  label: 'Fake echo',
  specSchema: FakeSpecSchema,
  fields: fieldsFromSchema(FakeSpecSchema, [{ path: 'rate', hyperparameter: true, condition: true }, { path: 'units', hyperparameter: true }]),
  resolve: () => ({ problems: [] }),
  schedule: (s) => ({ xUnit: 'step', x: [0, s.steps], lr: [s.rate, s.rate], noise: [0, 0], annealAt: null, note: null }),
  describe: (s) => ({
    derived: [{ label: 'Echo units', value: s.units }],
    schedule: { xUnit: 'step', x: [0, s.steps], lr: [s.rate, s.rate], noise: [0, 0], annealAt: null, note: null },
    totalSteps: s.steps,
    shapeKey: `fake:${s.units}`,
  }),
  memoryModel: (s) => ({ model: { arch: 'two-layer', inputDim: 16, width: s.units }, inputShape: [1, 1, 1], batch: 4 }),
  condition: (s) => (s.rate >= 1 ? 'fake-big' : 'fake-small'),
  conditions: ['fake-big', 'fake-small'],
  metrics: [metric('echo/loss', 'Echo loss', 'echo loss (nats)'), metric('echo/acc', 'Echo accuracy')],
  defaultColumns: ['echo/acc'],
  defaultPanels: ['echo/loss', 'echo/acc'],
  layouts: [{ name: 'echo', label: 'Echo', panels: ['echo/acc'], xAxis: 'step', description: 'The echo' }],
  run: async (s) => ({ status: 'completed', steps: s.steps, epochs: null, annealStep: null, stopReason: 'max iterations', wallS: 0, final: { 'echo/acc': 1 } }),
};

const withFake = createRegistry([...(BUILTIN_KINDS as unknown as ExperimentKind[]), fakeKind as unknown as ExperimentKind]);

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function hostWithFake(): Promise<Host> {
  const dir = mkdtempSync(join(tmpdir(), 'lrlab-fake-kind-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const registry = createRegistry([...(BUILTIN_KINDS as unknown as ExperimentKind[]), fakeKind as unknown as ExperimentKind]);
  const h = await createHost({ mode: 'browser', storePath: join(dir, 'runs.sqlite'), runQueue: false, log: () => {}, registry });
  cleanup.push(() => h.close());
  return h;
}

async function call<T>(h: Host, method: string, input: unknown): Promise<T> {
  const r = await h.dispatch(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

describe('a kind registered only in a test', () => {
  it('appears in the designer form (spec schema), with its field titles', async () => {
    const h = await hostWithFake();
    const schema = JSON.stringify(await call(h, 'training.specSchema', {}));
    expect(schema).toContain('"fake-echo"');
    expect(schema).toContain('Units u');
    // ... and the designer's checks accept it and derive its values.
    const v = await call<{ ok: boolean; derived: { label: string; value: unknown }[] }>(h, 'training.validate', { spec: { kind: 'fake-echo', seed: 1, backend: 'cpu' } });
    expect(v.ok).toBe(true);
    expect(v.derived.map((d) => d.label)).toContain('Echo units');
    const preview = await call<{ lr: number[] }>(h, 'training.schedulePreview', { spec: { kind: 'fake-echo', seed: 1, rate: 0.3 } });
    expect(preview.lr).toEqual([0.3, 0.3]);
  });

  it('goes through the memory check with its own memory model', async () => {
    const h = await hostWithFake();
    const small = await call<{ ok: boolean; derived: { label: string }[] }>(h, 'training.validate', { spec: { kind: 'fake-echo', seed: 1, backend: 'wasm', units: 8 } });
    expect(small.derived.map((d) => d.label)).toContain('Peak memory (est.)');
    expect(small.ok).toBe(true);
    // 16 inputs × 10⁹ units of float32 weights cannot fit in wasm's 4 GiB heap.
    const huge = await call<{ ok: boolean; problems: { path: string; message: string }[] }>(h, 'training.validate', {
      spec: { kind: 'fake-echo', seed: 1, backend: 'wasm', units: 1_000_000_000 },
    });
    expect(huge.ok).toBe(false);
    expect(huge.problems[0]?.path).toBe('model');
  });

  it('reaches the run browser (columns, condition filter, key hyperparameters) and the comparison defaults through experiments.kinds', async () => {
    const h = await hostWithFake();
    const kinds = await call<KindInfo[]>(h, 'experiments.kinds', {});
    expect(kinds.map((k) => k.kind)).toEqual([...BUILTIN_KINDS.map((k) => k.kind), 'fake-echo']);
    const keys = defaultMetricKeys(kinds);
    expect(keys).toContain('echo/acc');
    expect(keys.flatMap((k) => metricColumns(kinds, k)).map((c) => c.id)).toEqual(expect.arrayContaining(['metric:echo/acc:last', 'metric:echo/acc:max']));
    expect(metricColumns(kinds, 'echo/loss').map((c) => c.label)).toEqual(['Echo loss final', 'Echo loss best']);
    expect(conditionLabels(kinds)).toEqual(expect.arrayContaining(['fake-big', 'fake-small']));
    expect(keyHparams(kinds, 'fake-echo', { rate: 0.5, units: 8, steps: 3 }).map((x) => `${x.label}=${x.value}`)).toEqual(['Rate ρ=0.5', 'Units u=8']);
    expect(comparisonDefaults(kinds, ['fake-echo'])).toEqual(['echo/loss', 'echo/acc']);
  });

  it('reaches figures: its default panels, axis labels, condition groups and paper layout', async () => {
    const h = await hostWithFake();
    const ids = [0.5, 2].map((rate) => {
      const spec = FakeSpecSchema.parse({ kind: 'fake-echo', seed: 1, rate }) as unknown as RunSpec;
      const id = h.store.createRun({ ...newRunInput(spec, {}, withFake), name: `echo ${rate}` }).id;
      const w = h.store.metricWriter(id);
      for (let step = 0; step < 3; step++) for (const key of ['echo/loss', 'echo/acc', 'other/x']) w.writePoint(key, step, rate * step, null, step);
      w.close();
      return id;
    });
    const d = await call<{ panels: { key: string; label: string }[]; groups: { name: string }[] }>(h, 'figures.data', { spec: { runs: ids } });
    expect(d.panels.map((p) => [p.key, p.label])).toEqual([
      ['echo/loss', 'echo loss (nats)'],
      ['echo/acc', 'Echo accuracy'],
    ]);
    expect(d.groups.map((g) => g.name)).toEqual(['fake-big', 'fake-small']);
    expect(layoutNames('fake-echo', withFake)).toEqual(['echo', 'table']);
    expect(layoutSpec('echo', ids.map((id) => ({ id, kind: 'fake-echo' })), withFake).panels).toEqual(['echo/acc']);
  });

  it('labels its runs with its own condition in the run list', () => {
    const registry = createRegistry([...(BUILTIN_KINDS as unknown as ExperimentKind[]), fakeKind as unknown as ExperimentKind]);
    const spec = FakeSpecSchema.parse({ kind: 'fake-echo', seed: 1, rate: 2 }) as unknown as RunSpec;
    expect(newRunInput(spec, {}, registry).algorithm).toBe('fake-big');
  });
});
