// PLACEHOLDER until issue 8 lands.
import type { Preset } from './types';
export const imagePresets: readonly Preset[] = [];
