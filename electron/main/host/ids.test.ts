import { describe, expect, it } from 'vitest';
import { RunIdSchema } from '../../api/schemas';
import { RUN_ID_PATTERN } from '../../../storage';

describe('one id rule', () => {
  it('the store (runs, bundles, figures) accepts exactly the ids the api accepts', () => {
    const samples = ['a', 'A-9_z', '5c0ba311-9e62-4797-aa6c-4dddb10d7d43', 'x'.repeat(64), 'x'.repeat(65), 'dotted.id.x', '../x', 'a b', '', '-lead', 'é'];
    for (const id of samples) expect(RUN_ID_PATTERN.test(id), id).toBe(RunIdSchema.safeParse(id).success);
  });
});
