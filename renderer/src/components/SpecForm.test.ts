// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import type { JsonSchema } from '../lib/schemaForm';
import { schemaForSpec } from '../lib/schemaForm';
import snapshot from '../lib/__fixtures__/runSpec.schema.json';
import SpecForm from './SpecForm.vue';

const root = snapshot as unknown as JsonSchema;
const spec = { kind: 'synthetic', seed: 0, data: { d: 64 }, algorithm: { name: 'L-S', eta1: 0.1 } };

function mountForm(s: Record<string, unknown> = spec, r: JsonSchema = root, problems = new Map<string, string>()) {
  return mount(SpecForm, { props: { root: r, schema: schemaForSpec(r, s), spec: s, problems } });
}

describe('generated spec form', () => {
  it('draws every field with its title, help, unit and range, and the active variant only', () => {
    const w = mountForm();
    const d = w.get('[data-testid="field-data.d"]');
    expect(d.get('label').text()).toBe('d');
    expect(d.text()).toContain('dimension of each input half');
    expect(d.text()).toContain('2 ≤ value ≤ 65,536');
    expect((d.get('input').element as HTMLInputElement).value).toBe('64');
    expect(w.get('[data-testid="field-data.N"]').text()).toContain('examples');
    expect(w.find('[data-testid="field-algorithm.eta1"]').text()).toContain('initial (large) learning rate');
    expect(w.find('[data-testid="field-algorithm.noiseTau0"]').exists()).toBe(false);
    // The optional minibatch block is off until ticked.
    expect(w.find('[data-testid="field-minibatch.size"]').exists()).toBe(false);
  });

  it('emits typed values by path, and flags text that is not a number at once', async () => {
    const w = mountForm();
    const input = w.get('[data-testid="field-data.d"] input');
    await input.setValue('32');
    expect(w.emitted('set')?.at(-1)).toEqual([['data', 'd'], 32]);
    await input.setValue('3x');
    expect(w.emitted('set')?.at(-1)).toEqual([['data', 'd'], '3x']);
    expect(w.get('[data-testid="field-data.d"] [data-testid="field-error"]').text()).toContain('Not a number');
    await input.setValue('');
    expect(w.emitted('set')?.at(-1)).toEqual([['data', 'd'], undefined]);
  });

  it('switches a union variant and shows problems the host found', async () => {
    const w = mountForm(spec, root, new Map([['algorithm.eta1', 'η1 must exceed η2']]));
    expect(w.get('[data-testid="field-algorithm.eta1"]').text()).toContain('η1 must exceed η2');
    const select = w.get('[data-testid="field-algorithm"] select');
    await select.setValue('2');
    expect(w.emitted('variant')?.at(-1)?.[2]).toBe('S+noise');
  });

  it('draws a field the engine adds without any renderer change', () => {
    const extended = JSON.parse(JSON.stringify(snapshot)) as { oneOf: { properties: Record<string, unknown> }[] };
    const first = extended.oneOf[0];
    if (first) first.properties['warmup'] = { type: 'integer', minimum: 0, default: 0, title: 'Warm-up', description: 'Warm-up iterations', unit: 'iterations' };
    const w = mountForm(spec, extended as unknown as JsonSchema);
    expect(w.get('[data-testid="field-warmup"]').text()).toContain('Warm-up iterations');
  });
});

describe('a union left at its default', () => {
  it('shows the default variant and its fields', () => {
    const r: JsonSchema = {
      oneOf: [
        {
          type: 'object',
          required: ['kind', 'seed'],
          properties: {
            kind: { type: 'string', const: 'image' },
            seed: { type: 'integer' },
            model: {
              default: { arch: 'wrn', depth: 16 },
              oneOf: [
                { type: 'object', required: ['arch'], properties: { arch: { type: 'string', const: 'wrn' }, depth: { type: 'integer', default: 16, title: 'Depth' } } },
                { type: 'object', required: ['arch'], properties: { arch: { type: 'string', const: 'cnn' }, width: { type: 'integer', title: 'Width' } } },
              ],
            },
          },
        },
      ],
    };
    const w = mountForm({ kind: 'image', seed: 0 }, r);
    expect((w.get('[data-testid="field-model"] select').element as HTMLSelectElement).value).toBe('0');
    expect(w.get('[data-testid="field-model.depth"]').text()).toContain('Depth');
  });
});
