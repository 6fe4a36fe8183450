/**
 * The designer's immediate checks (checkSpec, renderer/src/lib/schemaForm.ts) run on the JSON
 * Schema the host serves (training.specSchema: the JSON Schema of the registry's union, the one
 * the host checks specs with, once). Fed that live schema, they pass every preset, and a
 * problem they flag while someone types is one the host's check reports at the same path; what
 * they do not look at (an unknown key) the host still refuses: its answer decides.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, type Host } from '../host/host';
import { PRESETS } from '../../../engine/presets';
// The renderer's pure checker, fed what the api returns (as the designer store does).
import { checkSpec, setAt, type JsonSchema } from '../../../renderer/src/lib/schemaForm';

let dir: string;
let host: Host;
let schema: JsonSchema;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lrlab-spec-checks-'));
  host = await createHost({ mode: 'browser', storePath: join(dir, 'runs.sqlite'), runQueue: false, log: () => {} });
  const r = await host.dispatch('training.specSchema', {});
  if (!r.ok) throw new Error(r.error.message);
  schema = r.value as JsonSchema;
});
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

const presetSpec = (name: string): Record<string, unknown> => {
  const p = PRESETS.find((x) => x.name === name);
  if (!p) throw new Error(`no preset ${name}`);
  return { ...(structuredClone(p.spec) as Record<string, unknown>), seed: 1 };
};

/** The paths the host's own check (the one launch uses) reports for a spec. */
async function hostProblemPaths(spec: Record<string, unknown>): Promise<string[]> {
  const r = await host.dispatch('training.validate', { spec });
  if (!r.ok) throw new Error(r.error.message);
  return (r.value as { problems: { path: string }[] }).problems.map((p) => p.path);
}

describe("the designer's live checks and the host's one check", () => {
  it('pass every preset on the schema the host serves', () => {
    for (const p of PRESETS) expect([p.name, [...checkSpec(schema, presetSpec(p.name)).keys()]]).toEqual([p.name, []]);
  });

  it('flag a bad value at the path where the host reports it, for every kind', async () => {
    const cases: [preset: string, path: string[], value: unknown][] = [
      ['toy-s', ['data', 'd'], 1],
      ['toy-s', ['model', 'width'], 1.5],
      ['toy-s', ['algorithm', 'eta2'], -1],
      ['toy-s', ['seed'], undefined],
      ['patch-fmnist-small-lr', ['optim', 'lr'], -1],
      ['patch-fmnist-small-lr', ['epochs'], 0],
      ['patch-fmnist-small-lr', ['dataset', 'trainSubset'], 0.5],
    ];
    for (const [preset, path, value] of cases) {
      const spec = setAt(presetSpec(preset), path, value);
      const dotted = path.join('.');
      const local = [...checkSpec(schema, spec).keys()];
      expect([dotted, local]).toEqual([dotted, [dotted]]);
      expect([dotted, await hostProblemPaths(spec)]).toEqual([dotted, expect.arrayContaining([dotted])]);
    }
  });

  it('leave unknown keys to the host, which refuses them', async () => {
    const spec = setAt(presetSpec('toy-s'), ['model', 'widht'], 8);
    expect(await hostProblemPaths(spec)).toContain('model.widht');
  });

  it("is the schema the renderer's unit tests read from their snapshot (regenerate renderer/src/lib/__fixtures__/runSpec.schema.json from training.specSchema when a spec field changes)", () => {
    // The renderer may not import the engine, so its tests read a copy; a stale copy would let
    // them pass against fields the host no longer has (it had fallen 11 KB behind once).
    const snapshot: unknown = JSON.parse(readFileSync(join(__dirname, '../../../renderer/src/lib/__fixtures__/runSpec.schema.json'), 'utf8'));
    expect(snapshot).toEqual(schema);
  });
});
