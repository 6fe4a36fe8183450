/**
 * The api carries the typed RunSpec: what a client passes to training.launch and
 * training.schedulePreview is the engine registry's RunSpec input type, so a misspelt field or a
 * wrong type is a compile error (`npm run typecheck` fails if a `@ts-expect-error` below stops
 * being an error). At run time the host still checks the spec once, against its own registry
 * (electron/main/services/training.ts; fakeKind.test.ts runs a kind this type does not know).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { buildApi, type Transport } from './client';
import type { FigureSpecInput, Input, LrLabApi, RunSpecInput } from './contract';
import type { RunSpecInput as RegistrySpecInput } from '../../engine/spec/runSpec';

/** A transport that records what a call sent and answers ok. */
function recorder(): { api: LrLabApi; sent: { method: string; input: unknown }[] } {
  const sent: { method: string; input: unknown }[] = [];
  const transport: Transport = {
    call: async (method, input) => {
      sent.push({ method, input });
      return { ok: true, value: { runIds: ['r1'], groupId: null } };
    },
    subscribe: () => () => {},
  };
  return { api: buildApi(transport), sent };
}

describe('the api carries the typed RunSpec', () => {
  it('types launch and schedulePreview with the registry union, validate and patch previews with a draft', () => {
    expectTypeOf<Input<'training.launch'>['spec']>().toEqualTypeOf<RegistrySpecInput>();
    expectTypeOf<Input<'training.schedulePreview'>['spec']>().toEqualTypeOf<RegistrySpecInput>();
    expectTypeOf<RunSpecInput>().toEqualTypeOf<RegistrySpecInput>();
    expectTypeOf<Input<'training.validate'>['spec']>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<Input<'patches.preview'>['spec']>().toEqualTypeOf<Record<string, unknown>>();
  });

  it('refuses a misspelt field, a wrong type and an unknown kind at compile time', async () => {
    const { api, sent } = recorder();
    // A spec of the right shape compiles and reaches the transport unchanged.
    await api.training.launch({ spec: { kind: 'synthetic', seed: 1, data: { d: 32 }, algorithm: { name: 'S', eta2: 0.01 } } });
    expect(sent.at(-1)).toEqual({ method: 'training.launch', input: { spec: { kind: 'synthetic', seed: 1, data: { d: 32 }, algorithm: { name: 'S', eta2: 0.01 } } } });

    // Each of these is a compile error; at run time the host would refuse it (invalid_spec).
    // @ts-expect-error `dd` is not a field of data (misspelt `d`)
    await api.training.launch({ spec: { kind: 'synthetic', seed: 1, data: { dd: 32 }, algorithm: { name: 'S' } } });
    // @ts-expect-error `eta3` is not a field of the S algorithm
    await api.training.schedulePreview({ spec: { kind: 'synthetic', seed: 1, algorithm: { name: 'S', eta3: 0.01 } } });
    // @ts-expect-error seed is a number, not a string
    await api.training.launch({ spec: { kind: 'synthetic', seed: '1', algorithm: { name: 'S' } } });
    // @ts-expect-error no kind is called "synthtic"
    await api.training.launch({ spec: { kind: 'synthtic', seed: 1 } });
    // @ts-expect-error `seeed` is not a field of a run spec
    await api.training.launch({ spec: { kind: 'synthetic', seeed: 1, algorithm: { name: 'S' } } });
    expect(sent).toHaveLength(6);
  });

  it('types figure specs (figures.data, render, saveAs, save) with the figure spec schema, also checked once on the host', async () => {
    expectTypeOf<Input<'figures.data'>['spec']>().toEqualTypeOf<FigureSpecInput>();
    expectTypeOf<Input<'figures.render'>['spec']>().toEqualTypeOf<FigureSpecInput>();
    expectTypeOf<Input<'figures.saveAs'>['spec']>().toEqualTypeOf<FigureSpecInput>();
    expectTypeOf<Input<'figures.save'>['spec']>().toEqualTypeOf<FigureSpecInput>();
    const { api, sent } = recorder();
    await api.figures.render({ spec: { runs: ['r1'], smoothing: 0.5, band: 'ci95' }, format: 'svg' });
    // @ts-expect-error `smoothng` is not a figure option (misspelt `smoothing`)
    await api.figures.data({ spec: { runs: ['r1'], smoothng: 0.5 } });
    // @ts-expect-error "ci90" is not a band kind
    await api.figures.render({ spec: { runs: ['r1'], band: 'ci90' }, format: 'svg' });
    expect(sent.map((c) => c.method)).toEqual(['figures.render', 'figures.data', 'figures.render']);
  });
});
