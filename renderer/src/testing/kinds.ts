import type { KindInfo } from '@api/index';

/** One experiment kind as `experiments.kinds` returns it (tests only): a loss and an accuracy, two conditions, two hyperparameters. */
export function fakeKinds(): KindInfo[] {
  return [
    {
      kind: 'test-kind',
      label: 'Test kind',
      fields: [
        { path: 'algorithm.name', label: 'Algorithm', hyperparameter: false, condition: true },
        { path: 'optim.rate', label: 'ρ', hyperparameter: true, condition: false },
        { path: 'data.d', label: 'd', hyperparameter: true, condition: false },
      ],
      conditions: ['cond-a', 'cond-b'],
      metrics: [
        { key: 'train/loss', label: 'Train loss', family: 'loss', better: 'min' },
        { key: 'test/acc', label: 'Test accuracy', family: 'acc', better: 'max' },
      ],
      defaultColumns: ['train/loss', 'test/acc'],
      defaultPanels: ['test/acc', 'train/loss'],
      layouts: [],
      capabilities: { patchPreview: false },
    },
  ];
}
