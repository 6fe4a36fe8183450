// engine/kernels: kernels and gradients tfjs lacks or runs slowly on a backend. Imports tfjs only.
// PLACEHOLDER until issue 5 / issue 8 item 5 land.
/** Registers the engine's training kernels for the named tfjs backend; idempotent. */
export function registerTrainingKernels(_tfjsBackend: string): void {}
