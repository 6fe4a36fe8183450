import { describe, expect, it } from 'vitest';
import type { JsonSchema } from './schemaForm';
import { titleOfPath } from './hparams';
import snapshot from './__fixtures__/runSpec.schema.json';

const root = snapshot as unknown as JsonSchema;

describe('spec path titles', () => {
  it('finds titles through union variants', () => {
    expect(titleOfPath(root, 'algorithm.eta1')).toBe('η1');
    expect(titleOfPath(root, 'model.width')).toBe('m');
    expect(titleOfPath(root, 'data.d')).toBe('d');
    expect(titleOfPath(root, 'nope.x')).toBeNull();
  });
});
