// PLACEHOLDER, replaced by the image-experiment work (issue 8).
import { z } from 'zod';
import { commonSpecFields } from '../../spec/common';

export const ImageSpecSchema = z.object({
  kind: z.literal('image'),
  ...commonSpecFields,
});
export type ImageSpec = z.infer<typeof ImageSpecSchema>;
