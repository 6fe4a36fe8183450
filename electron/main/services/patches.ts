/**
 * The patches service: the patch visualizer's data for an image spec and seed. The engine
 * builds it with the trainer's own batch code (engine/experiments/image/patchPreview.ts); this
 * service validates the request, reads the dataset as a worker would (cached per process) and
 * packs the arrays as little-endian float32 bytes in base64 (api Float32TensorSchema).
 */
import type { ApiServices } from '../../api/contract';
import type { Float32Tensor } from '../../api/schemas';
import { experiments, type ExperimentRegistry } from '../../../engine/experiments/registry';
import { imageKind, patchPreview, PatchPreviewError } from '../../../engine/experiments/image';
import type { ImageSpec } from '../../../engine/experiments/image';
import { HostError } from '../host/errors';

/** Packs float32 arrays of equal length as one tensor of shape [arrays.length, ...shape] (or `shape` for one array). */
export function packFloat32(arrays: readonly Float32Array[], shape: readonly number[]): Float32Tensor {
  const n = arrays.reduce((a, x) => a + x.length, 0);
  const all = new Float32Array(n);
  let o = 0;
  for (const a of arrays) {
    all.set(a, o);
    o += a.length;
  }
  // Float32Array bytes are the platform's order; every platform LR Lab ships on is little-endian.
  return { shape: [...shape], base64: Buffer.from(all.buffer, all.byteOffset, all.byteLength).toString('base64') };
}

export function createPatchesService(registry: ExperimentRegistry = experiments): ApiServices['patches'] {
  return {
    async preview({ spec: input, seed, perClass }) {
      const kind = input['kind'];
      if (kind !== imageKind.kind) {
        throw new HostError(
          'invalid_request',
          `The patch visualizer applies to image experiments; this spec is ${typeof kind === 'string' ? `of kind "${kind}"` : 'without a kind'}. Pick an image preset (e.g. patch-fmnist-small-lr).`,
          [{ path: 'spec.kind', message: `the patch visualizer needs kind "${imageKind.kind}"` }],
        );
      }
      const c = registry.check(seed === undefined ? input : { ...input, seed });
      if (!c.ok) {
        throw new HostError(
          'invalid_spec',
          `The run spec is invalid (${c.problems.length} problem${c.problems.length === 1 ? '' : 's'}): ` + c.problems.map((p) => `${p.path || '(spec)'}: ${p.message}`).join('; '),
          c.problems.map((p) => ({ path: p.path ? `spec.${p.path}` : 'spec', message: p.message })),
        );
      }
      const spec = c.spec as ImageSpec;
      let prev;
      try {
        prev = await patchPreview(spec, { perClass });
      } catch (e) {
        if (e instanceof PatchPreviewError) throw new HostError('invalid_request', e.message, [{ path: 'spec.patch.enabled', message: e.message }]);
        throw e;
      }
      const { height: H, width: W, channels: C, classes: K } = prev.geometry;
      const p = prev.patch.size;
      return {
        seed: prev.seed,
        dataset: prev.dataset,
        classNames: [...prev.classNames],
        geometry: { ...prev.geometry },
        mean: [...prev.mean],
        std: [...prev.std],
        patch: {
          size: p,
          row: prev.patch.row,
          col: prev.patch.col,
          z: packFloat32([prev.patch.z], [p, p, C]),
          zetas: packFloat32(prev.patch.zetas, [K, p, p, C]),
        },
        samples: prev.samples.map((s) => ({ kind: s.kind, label: s.label, step: s.step, position: s.position, index: s.index })),
        images: packFloat32(
          prev.samples.map((s) => s.image),
          [prev.samples.length, H, W, C],
        ),
        stats: prev.stats ? { ...prev.stats, loads: { ...prev.stats.loads } } : null,
        notes: [...prev.notes],
      };
    },
  };
}
