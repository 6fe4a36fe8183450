// PLACEHOLDER, replaced by the synthetic-experiment work (issue 7).
import { z } from 'zod';
import { commonSpecFields } from '../../spec/common';

export const SyntheticSpecSchema = z.object({
  kind: z.literal('synthetic'),
  ...commonSpecFields,
});
export type SyntheticSpec = z.infer<typeof SyntheticSpecSchema>;
