/**
 * Diagnostic for the calibration (CALIBRATION.md, round 5): the per-epoch L2 norm of each
 * conv layer's weights and of the dense layer, with the learning rate and η/‖w‖² (the
 * effective step of a conv layer followed by BatchNorm, whose output does not change when its
 * weights are scaled), read from the run's own checkpoints. Tests the reading that the large-LR
 * model relearns the patch slowly after the anneal because its weights grew during the
 * large-rate epochs.
 *
 *   npx tsx research/image/weightnorm.ts PRESET SEED [override …]
 */
import { fileURLToPath } from 'node:url';
import { resolveRunSpec, runWithProgress } from '../../engine/cli';
import { readCheckpointHeader } from '../../engine/experiments/image/checkpoint';

/** L2 norms of the weight matrices / filters (parameters of rank ≥ 2) in an image-run checkpoint, by name. */
export function weightNorms(bytes: Uint8Array): Record<string, number> {
  const h = readCheckpointHeader(bytes);
  const f = new Float32Array(bytes.buffer.slice(bytes.byteOffset + h.dataStart, bytes.byteOffset + bytes.byteLength));
  let o = 0;
  const norms: Record<string, number> = {};
  for (const t of h.tensors) {
    if (t.group === 'param' && t.shape.length >= 2) {
      let s = 0;
      for (let i = o; i < o + t.length; i++) s += (f[i] ?? 0) ** 2;
      norms[t.name] = Math.sqrt(s);
    }
    o += t.length;
  }
  return norms;
}

async function main(): Promise<void> {
  const [preset, seedArg, ...set] = process.argv.slice(2);
  if (!preset || !seedArg) throw new Error('usage: weightnorm.ts PRESET SEED [override …]');
  const spec = resolveRunSpec({ preset, seed: Number(seedArg), set });
  const rows: string[] = [];
  let last: Record<string, number> = {};
  await runWithProgress(spec, {
    json: true,
    stderr: process.stderr,
    label: `norms ${preset} s${seedArg}`,
    hooks: {
      onMetrics: (m) => {
        if (m.values['val/clean/acc'] !== undefined) last = m.values;
      },
      onCheckpoint: (c) => {
        const norms = weightNorms(c.bytes);
        const lr = last.lr ?? Number.NaN;
        const names = Object.keys(norms);
        const convs = names.filter((n) => n.startsWith('conv'));
        if (rows.length === 0) rows.push(`| epoch | lr | ${names.map((n) => `‖${n}‖`).join(' | ')} | ${convs.map((n) => `lr/‖${n}‖²`).join(' | ')} | patch-only | clean |`, `|${' --- |'.repeat(4 + names.length + convs.length)}`);
        rows.push(
          `| ${c.epoch} | ${Number(lr.toPrecision(6))} | ${names.map((n) => norms[n]!.toFixed(2)).join(' | ')} | ${convs.map((n) => (lr / norms[n]! ** 2).toExponential(2)).join(' | ')} | ${(last['val/patch_only/acc'] ?? Number.NaN).toFixed(2)} | ${(last['val/clean/acc'] ?? Number.NaN).toFixed(3)} |`,
        );
        return Promise.resolve();
      },
    },
  });
  process.stdout.write(`${preset} seed ${seedArg} ${set.join(' ')}\n\n${rows.join('\n')}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  // The wasm backend's thread pool keeps the event loop alive: end explicitly.
  process.exit(0);
}
