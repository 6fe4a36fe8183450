/**
 * Fields every RunSpec has, whatever its experiment kind. Schemas carry their help text
 * (`.meta({ description, unit })`) because the designer form and the CLI are generated from them.
 */
import { z } from 'zod';

export const BackendChoiceSchema = z
  .enum(['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'])
  .default('auto')
  .meta({ title: 'Backend', description: 'tfjs backend; auto picks the fastest available' });

export const SeedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .meta({ title: 'Seed', description: 'Seeds every random draw of the run: data, init, noise, shuffling' });

export const commonSpecFields = {
  name: z.string().max(200).optional().meta({ title: 'Name', description: 'Shown in the run list' }),
  seed: SeedSchema,
  backend: BackendChoiceSchema,
};
