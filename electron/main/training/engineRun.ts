/**
 * Starting the engine for one run, the same way wherever the run trains: the local worker
 * process (worker.ts) and the cluster worker on a Slurm node (../cluster/clusterWorker.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, requestedBackend, type BackendReport } from '../../../engine/backend';
import { oneDnnVersion } from '../../../engine/kernels';
import type { RunSpec } from '../../../engine/spec';
import { runtimeVersions } from '../host/provenance';

export interface EngineStart {
  readonly backend: BackendReport;
  readonly versions: Readonly<Record<string, string>>;
}

/** Initializes the backend a run asks for (`forced` from `--backend` wins) and says what ran it. */
export async function startEngine(spec: RunSpec, forced: string | null): Promise<EngineStart> {
  const force = requestedBackend(forced ?? (spec.backend === 'auto' ? null : spec.backend));
  const backend = await initBackend({ force });
  const versions = {
    ...runtimeVersions(backend, tf.version.tfjs),
    // Which kernels and how many threads ran the step: results differ across them by float rounding.
    ...(backend.name === 'wasm' ? { 'wasm kernels': oneDnnVersion() ?? 'XNNPACK', 'wasm threads': String(backend.threads) } : {}),
  };
  return { backend, versions };
}
