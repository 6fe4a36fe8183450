// engine/random: the run's seeded generator. Imports nothing.
export { Rng } from './rng';
export type { RngState } from './rng';
