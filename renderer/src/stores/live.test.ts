import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { RunDetail } from '@api/index';
import { setApi } from '../api';
import { fakeApi, flush } from '../testing';
import { mergeStored, useLiveStore } from './live';

function detail(over: Partial<RunDetail> = {}): RunDetail {
  return {
    id: 'r1',
    name: 'toy',
    status: 'running',
    kind: 'synthetic',
    preset: null,
    algorithm: 'L-S',
    seed: 0,
    groupId: null,
    tags: [],
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: null,
    endedAt: null,
    durationS: null,
    backend: 'wasm',
    hparams: {},
    metrics: {},
    deleted: false,
    error: null,
    spec: { kind: 'synthetic', seed: 0 },
    notes: '',
    provenance: {},
    events: [],
    checkpoints: [],
    metricKeys: ['train/loss'],
    ...over,
  };
}

describe('live run store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('merges stored points with newer live points', () => {
    const b = { key: 'k', points: [{ step: 10, value: 1 }, { step: 30, value: 3 }] };
    mergeStored(b, [0, 10, 20], [0, 'NaN', 2]);
    expect(b.points).toEqual([{ step: 0, value: 0 }, { step: 10, value: null }, { step: 20, value: 2 }, { step: 30, value: 3 }]);
  });

  it('loads stored curves, appends live ticks of its own run only, and marks events', async () => {
    let d = detail();
    const f = fakeApi({
      'runs.get': () => d,
      'runs.series': () => ({ series: [{ runId: 'r1', key: 'train/loss', steps: [0, 50], values: [0.7, 0.6], totalPoints: 2 }] }),
    });
    setApi(f.api);
    const s = useLiveStore();
    await s.open('r1');
    expect(s.keys).toEqual(['train/loss']);
    expect(s.getBuffers().get('train/loss')?.points).toHaveLength(2);
    const ticks = s.dataTick;
    const structure = s.structureTick;

    f.emit('training.onDidProgress', { runId: 'other', step: 500, totalSteps: 1000, epoch: null, totalEpochs: null, values: { 'train/loss': 9 }, stepsPerS: 1, etaS: 1, wallS: 1 });
    expect(s.progress).toBeNull();
    f.emit('training.onDidProgress', { runId: 'r1', step: 100, totalSteps: 400, epoch: null, totalEpochs: null, values: { 'train/loss': 0.5 }, stepsPerS: 200, etaS: 1.5, wallS: 0.5 });
    expect(s.dataTick).toBe(ticks + 1);
    expect(s.structureTick).toBe(structure);
    expect(s.fraction).toBe(0.25);
    f.emit('training.onDidProgress', { runId: 'r1', step: 150, totalSteps: 400, epoch: null, totalEpochs: null, values: { 'train/loss': 0.4, 'test/acc': 'NaN' }, stepsPerS: 200, etaS: 1, wallS: 0.7 });
    expect(s.structureTick).toBe(structure + 1);
    expect(s.keys).toEqual(['test/acc', 'train/loss']);
    expect(s.getBuffers().get('test/acc')?.points).toEqual([{ step: 150, value: null }]);

    d = detail({ status: 'completed', events: [{ kind: 'anneal', step: 120, epoch: null, at: '', message: 'η1 → η2', data: null }] });
    f.emit('training.onDidChangeStatus', { runId: 'r1', status: 'completed', error: null });
    await flush();
    expect(s.status).toBe('completed');
    // Done is done, even when a loss target ended it before the last iteration.
    expect(s.fraction).toBe(1);
    expect(s.events).toEqual([{ kind: 'anneal', step: 120, message: 'η1 → η2' }]);
  });

  it('shows a missing run as an error and unsubscribes on close', async () => {
    const f = fakeApi({});
    setApi(f.api);
    const s = useLiveStore();
    await s.open('nope');
    expect(s.error).toMatch(/no handler for runs.get/);
    expect(f.listenerCount('training.onDidProgress')).toBe(1);
    s.close();
    expect(f.listenerCount('training.onDidProgress')).toBe(0);
  });
});

describe('a queued run', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('says where it stands, or that this host does not run the queue', async () => {
    let owns = true;
    const f = fakeApi({
      'runs.get': () => detail({ status: 'queued', metricKeys: [] }),
      'training.queue': () => ({ concurrency: 1, running: ['x'], queued: ['y', 'r1'], ownsQueue: owns, note: null }),
    });
    setApi(f.api);
    const s = useLiveStore();
    await s.open('r1');
    await flush();
    expect(s.queueNote).toBe('Queued: 1 running, 1 ahead of it.');
    owns = false;
    await s.open('r1');
    await flush();
    expect(s.queueNote).toMatch(/does not run the queue/);
  });
});
