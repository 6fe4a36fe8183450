// PLACEHOLDER until issue 7 lands.
import type { Preset } from './types';
export const syntheticPresets: readonly Preset[] = [];
