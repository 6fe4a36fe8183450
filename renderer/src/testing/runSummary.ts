import type { RunSummary } from '@api/index';

/** A completed run summary numbered `i`, with `overrides` on top (tests only). */
export function fakeRunSummary(i: number, overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    id: `r${i}`,
    name: `run ${i}`,
    status: 'completed',
    kind: 'test-kind',
    preset: 'toy-ls',
    algorithm: 'cond-a',
    seed: i,
    groupId: null,
    tags: [],
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: null,
    endedAt: null,
    durationS: 1,
    backend: 'wasm',
    hparams: {},
    metrics: {},
    deleted: false,
    error: null,
    ...overrides,
  };
}
