// engine/random: the run's seeded generator. Imports nothing.
export { Rng, useNativeNormals } from './rng';
export type { NativeNormalFill, RngState } from './rng';
