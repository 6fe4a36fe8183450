// engine/optim: optimizers on named tf.Variables. Imports tfjs only.
export { Sgd } from './sgd';
export type { SgdConfig } from './sgd';
