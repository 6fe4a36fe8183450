/** Metric keys of image runs (part of the engine contract). */
export const IMAGE_METRIC_KEYS = [
  'lr',
  'noise',
  'train/loss',
  'train/acc',
  'val/clean/loss',
  'val/clean/acc',
  'val/patch_only/loss',
  'val/patch_only/acc',
  'val/augmented/loss',
  'val/augmented/acc',
] as const;
export type ImageMetricKey = (typeof IMAGE_METRIC_KEYS)[number];
