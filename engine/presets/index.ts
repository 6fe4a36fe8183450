// engine/presets: named, seedless RunSpecs (paper full-scale, CPU-scale, synthetic).
// Imports engine/spec and its own files only.
import type { RunSpec } from '../spec';
import { parseRunSpec } from '../spec';
import { imagePresets } from './image';
import { syntheticPresets } from './synthetic';
import type { Preset } from './types';

export type { Preset, PresetCondition, PresetGroup } from './types';
export { PRESET_CONDITION_LABELS, PRESET_GROUPS } from './types';

export const PRESETS: readonly Preset[] = [...syntheticPresets, ...imagePresets];

export function findPreset(name: string): Preset {
  const p = PRESETS.find((x) => x.name === name);
  if (!p) {
    throw new Error(`Unknown preset "${name}". Known presets: ${PRESETS.map((x) => x.name).join(', ') || '(none)'}. Run \`lrlab presets\` to list them.`);
  }
  return p;
}

/** The preset's spec with a seed, validated. */
export function presetSpec(name: string, seed: number): RunSpec {
  const p = findPreset(name);
  return parseRunSpec({ ...p.spec, seed, name: p.spec.name ?? `${p.name} s${seed}` });
}
