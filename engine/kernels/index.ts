// engine/kernels: kernels and gradients tfjs lacks or runs slowly on a backend. Imports tfjs only.
export { registerTrainingKernels, trainingKernelNames, useTrainingKernels } from './registerTrainingKernels';
export { batchNormTrain } from './batchNormTrain';
export type { BatchNormTrainResult } from './batchNormTrain';
