/**
 * Registers the engine's replacements for missing or slow training kernels of a backend.
 * Kernels are per backend, so nothing here changes what another backend computes.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropKernels } from './conv2dBackprop';
import { matMulExplicitTranspose } from './matMulTransposed';
import { oneDnnBatchNormKernels, oneDnnKernel } from './onednn';

/**
 * Which kernels each backend gets (only wasm needs any in tfjs 4.22): the XNNPACK-based
 * replacements, and over them (and over wasm's own Conv2D) the oneDNN kernels where that
 * addon is built, each falling back to the kernel it wraps.
 */
function replacementsFor(backendName: string): KernelConfig[] {
  if (backendName !== 'wasm') return [];
  const out = [...conv2dBackpropKernels(backendName)];
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(name, backendName) as KernelConfig | undefined;
    if (original) out.push(matMulExplicitTranspose(backendName, original));
  }
  const conv = tf.getKernel('Conv2D', backendName) as KernelConfig | undefined;
  if (conv) out.push(conv);
  return [...out.map((c) => oneDnnKernel(c) ?? c).filter((c) => c !== conv), ...oneDnnBatchNormKernels(backendName)];
}

/** Per backend: our replacement configs and the backend's own ones they displaced. */
interface Registration {
  readonly ours: Map<string, KernelConfig>;
  readonly originals: Map<string, KernelConfig | null>;
}
const registrations = new Map<string, Registration>();

function install(config: KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

function registrationFor(tfjsBackend: string): Registration {
  let reg = registrations.get(tfjsBackend);
  if (!reg) {
    reg = { ours: new Map(), originals: new Map() };
    for (const config of replacementsFor(tfjsBackend)) {
      reg.originals.set(config.kernelName, (tf.getKernel(config.kernelName, tfjsBackend) as KernelConfig | undefined) ?? null);
      reg.ours.set(config.kernelName, config);
    }
    registrations.set(tfjsBackend, reg);
  }
  return reg;
}

/** Registers the engine's training kernels for the named tfjs backend; idempotent. */
export function registerTrainingKernels(tfjsBackend: string): void {
  const first = !registrations.has(tfjsBackend);
  const reg = registrationFor(tfjsBackend);
  for (const config of reg.ours.values()) {
    if (first || tf.getKernel(config.kernelName, tfjsBackend) !== config) install(config);
  }
}

/**
 * Benchmarks only: keeps our kernels named in `enabled` and puts the backend's own back for
 * the others (a missing original stays missing), so each replacement can be measured alone.
 */
export function useTrainingKernels(tfjsBackend: string, enabled: readonly string[]): void {
  const reg = registrationFor(tfjsBackend);
  for (const [name, config] of reg.ours) {
    const original = reg.originals.get(name) ?? null;
    if (enabled.includes(name)) install(config);
    else if (original) install(original);
    else if (tf.getKernel(name, tfjsBackend)) tf.unregisterKernel(name, tfjsBackend);
  }
}

/** Names of the kernels replaced or added for a backend (for reports and tests). */
export function trainingKernelNames(tfjsBackend: string): string[] {
  return [...registrationFor(tfjsBackend).ours.keys()];
}
