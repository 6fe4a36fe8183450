/**
 * Registers the engine's replacements for missing or slow training kernels of a backend.
 * Kernels are per backend, so nothing here changes what another backend computes.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropKernels } from './conv2dBackprop';
import { matMulExplicitTranspose } from './matMulTransposed';

/** Which kernels each backend gets (only wasm needs any in tfjs 4.22). */
function replacementsFor(backendName: string): KernelConfig[] {
  if (backendName !== 'wasm') return [];
  const out = [...conv2dBackpropKernels(backendName)];
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(name, backendName) as KernelConfig | undefined;
    if (original) out.push(matMulExplicitTranspose(backendName, original));
  }
  return out;
}

const done = new Set<string>();

/** Registers the engine's training kernels for the named tfjs backend; idempotent. */
export function registerTrainingKernels(tfjsBackend: string): void {
  if (done.has(tfjsBackend)) return;
  for (const config of replacementsFor(tfjsBackend)) {
    if (tf.getKernel(config.kernelName, tfjsBackend)) tf.unregisterKernel(config.kernelName, tfjsBackend);
    tf.registerKernel(config);
  }
  done.add(tfjsBackend);
}

/** Names of the kernels replaced or added for a backend (for reports and tests). */
export function trainingKernelNames(tfjsBackend: string): string[] {
  return tfjsBackend === 'wasm'
    ? ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul', '_FusedMatMul']
    : [];
}
