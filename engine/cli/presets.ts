/** `lrlab presets`: one line per preset. */
import type { Preset } from '../presets';
import { PRESETS } from '../presets';

export function formatPresetList(presets: readonly Preset[] = PRESETS): string {
  if (presets.length === 0) return '(no presets)\n';
  const w = Math.max(...presets.map((p) => p.name.length));
  const tagW = Math.max(...presets.map((p) => `${p.group}/${p.comparison}/${p.condition}`.length));
  return (
    presets
      .map((p) => `${p.name.padEnd(w)}  ${`${p.group}/${p.comparison}/${p.condition}`.padEnd(tagW)}  ${p.title}`)
      .join('\n') + '\n'
  );
}
