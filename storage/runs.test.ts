import { afterEach, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MAX_FIGURE_SPEC_BYTES, openStore, type RunStore } from './index';
import { StoreError } from './errors';
import { sampleRun, tempDir } from './test-fixtures/helpers';

let store: RunStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

function mem(opts: Parameters<typeof openStore>[1] = {}): RunStore {
  store = openStore(':memory:', opts);
  return store;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err.code;
    throw err;
  }
  return undefined;
}

describe('runs', () => {
  it('stores the spec verbatim and the provenance fields', () => {
    const s = mem({ now: () => 1_700_000_000_000 });
    const spec = { kind: 'synthetic', seed: 7, lr: 0.1, list: [1, 2.5, 'x'], nested: { b: null } };
    const r = s.createRun({
      id: 'run-1',
      name: 'large LR',
      spec,
      specHash: 'abc',
      kind: 'synthetic',
      algorithm: 'sgd',
      preset: 'toy-ls',
      groupId: 'g1',
      seed: 7,
      tags: ['paper', 'paper', ' fig3 '],
      notes: 'first try',
      appVersion: '0.1.0',
      gitCommit: 'deadbeef',
    });
    expect(r).toMatchObject({
      id: 'run-1',
      status: 'queued',
      specJson: JSON.stringify(spec),
      createdAt: 1_700_000_000_000,
      groupId: 'g1',
      appVersion: '0.1.0',
      gitCommit: 'deadbeef',
      notes: 'first try',
    });
    expect(r.tags).toEqual(['fig3', 'paper']);
    expect(s.getRun('run-1').spec).toEqual(spec);
  });

  it('refuses a duplicate id and unsafe ids', () => {
    const s = mem();
    s.createRun(sampleRun({ id: 'a' }));
    expect(codeOf(() => s.createRun(sampleRun({ id: 'a' })))).toBe('duplicate');
    expect(codeOf(() => s.createRun(sampleRun({ id: '../etc' })))).toBe('invalid_argument');
  });

  it('walks the lifecycle with guarded transitions', () => {
    const s = mem({ hostname: 'box' });
    const { id } = s.createRun(sampleRun());
    expect(codeOf(() => s.finishRun(id, 'completed'))).toBe('invalid_transition');
    const running = s.markRunning(id, { pid: 4242, backend: 'wasm', versions: { tfjs: '4.22.0' } });
    expect(running).toMatchObject({ status: 'running', pid: 4242, host: 'box', backend: 'wasm', versions: { tfjs: '4.22.0' } });
    expect(running.startedAt).not.toBeNull();
    expect(codeOf(() => s.markRunning(id))).toBe('invalid_transition');
    const done = s.finishRun(id, 'completed', {
      summary: { steps: 1200, epochs: null, annealStep: 600, stopReason: 'loss ≤ ε2', wallS: 3.5, final: { 'train/loss': 0.01 } },
    });
    expect(done).toMatchObject({ status: 'completed', steps: 1200, annealStep: 600, stopReason: 'loss ≤ ε2', wallS: 3.5 });
    expect(done.summary?.final).toEqual({ 'train/loss': 0.01 });
    expect(done.endedAt).not.toBeNull();
    expect(codeOf(() => s.requeueRun(id))).toBe('invalid_transition');
    expect(codeOf(() => s.markRunning('nope'))).toBe('not_found');
  });

  it('requeues a stopped run and records the resume, dropping points after the checkpoint step', () => {
    const s = mem();
    const { id } = s.createRun(sampleRun());
    s.markRunning(id);
    const w = s.metricWriter(id);
    for (let step = 0; step < 10; step++) w.writePoint('loss', step, 10 - step);
    w.close();
    s.finishRun(id, 'stopped');
    const q = s.requeueRun(id, { fromStep: 4 });
    expect(q.status).toBe('queued');
    expect(q.endedAt).toBeNull();
    expect(s.getSeries({ runIds: [id], keys: ['loss'] })[0]?.steps).toEqual([0, 1, 2, 3, 4]);
    const latest = s.getRun(id).metrics.find((m) => m.key === 'loss');
    expect(latest).toMatchObject({ nPoints: 5, lastStep: 4, last: 6, min: 6, max: 10 });
    s.markRunning(id);
    expect(s.getRun(id).events.map((e) => e.kind)).toEqual(['resume']);
  });

  it('keeps NaN, ±Infinity and -0 in summaries and event data', () => {
    const s = mem();
    const { id } = s.createRun(sampleRun());
    s.markRunning(id);
    s.addEvent(id, { kind: 'divergence', step: 9, message: 'NaN in train/loss', data: { loss: NaN, grad: Infinity, note: 'NaN' } });
    s.finishRun(id, 'diverged', { summary: { steps: 9, stopReason: 'NaN in train/loss', final: { loss: NaN, acc: -0, big: -Infinity } } });
    const d = s.getRun(id);
    expect(d.summary?.final?.['loss']).toBeNaN();
    expect(Object.is(d.summary?.final?.['acc'], -0)).toBe(true);
    expect(d.summary?.final?.['big']).toBe(-Infinity);
    expect(d.events[0]?.data).toEqual({ loss: NaN, grad: Infinity, note: 'NaN' });
  });

  it('records an error event when a run fails', () => {
    const s = mem();
    const { id } = s.createRun(sampleRun());
    s.markRunning(id);
    s.finishRun(id, 'failed', { error: 'out of memory' });
    const d = s.getRun(id);
    expect(d.error).toBe('out of memory');
    expect(d.events).toMatchObject([{ kind: 'error', message: 'out of memory' }]);
  });

  it('marks runs of dead processes on this host interrupted when opened, and leaves others', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'runs.sqlite');
      const alive = new Set([111]);
      const a = openStore(file, { hostname: 'here', isProcessAlive: (p) => alive.has(p) });
      const dead = a.createRun(sampleRun()).id;
      const live = a.createRun(sampleRun()).id;
      const remote = a.createRun(sampleRun()).id;
      a.markRunning(dead, { pid: 222 });
      a.markRunning(live, { pid: 111 });
      a.markRunning(remote, { pid: 222, host: 'elsewhere' });
      a.close();
      const b = openStore(file, { hostname: 'here', isProcessAlive: (p) => alive.has(p), now: () => 42 });
      store = b;
      expect(b.recoveredOnOpen).toEqual([dead]);
      const d = b.getRun(dead);
      expect(d).toMatchObject({ status: 'interrupted', endedAt: 42 });
      expect(d.events).toMatchObject([{ kind: 'interrupted', data: { pid: 222 } }]);
      expect(b.getRun(live).status).toBe('running');
      expect(b.getRun(remote).status).toBe('running');
      expect(b.markRunning(dead).status).toBe('running');
    } finally {
      store?.close();
      store = null;
      cleanup();
    }
  });

  it('renames, edits notes, adds and removes tags, and counts tags', () => {
    const s = mem();
    const a = s.createRun(sampleRun({ tags: ['x'] })).id;
    const b = s.createRun(sampleRun()).id;
    s.renameRun(a, 'renamed');
    s.setNotes(a, 'η1 = 0.1');
    s.addTags(b, ['x', 'y']);
    s.removeTags(b, ['y']);
    s.addTags(a, ['z']);
    expect(s.getRun(a)).toMatchObject({ name: 'renamed', notes: 'η1 = 0.1', tags: ['x', 'z'] });
    expect(s.listTags()).toEqual([
      { tag: 'x', count: 2 },
      { tag: 'z', count: 1 },
    ]);
    s.deleteRun(b);
    expect(s.listTags()).toEqual([
      { tag: 'x', count: 1 },
      { tag: 'z', count: 1 },
    ]);
  });

  it('soft-deletes and restores; purge removes the run and its points', async () => {
    const s = mem();
    const { id } = s.createRun(sampleRun({ id: 'doomed' }));
    const w = s.metricWriter(id);
    w.writePoint('loss', 0, 1);
    w.close();
    s.deleteRun(id);
    expect(s.listRuns().total).toBe(0);
    expect(s.listRuns({ onlyDeleted: true }).rows.map((r) => r.id)).toEqual([id]);
    s.restoreRun(id);
    expect(s.listRuns().total).toBe(1);
    await s.purgeRun(id);
    expect(codeOf(() => s.getRun(id))).toBe('not_found');
    expect(s.listRuns({ includeDeleted: true }).total).toBe(0);
    // the points went with it: a new run with the same id starts empty
    s.createRun(sampleRun({ id }));
    expect(s.getSeries({ runIds: [id], keys: ['loss'] })[0]?.steps).toEqual([]);
    expect(s.getRun(id).metrics).toEqual([]);
  });

  it('keeps events with their data', () => {
    const s = mem();
    const { id } = s.createRun(sampleRun());
    s.addEvent(id, { kind: 'anneal', step: 600, epoch: null, message: 'η 0.1 → 0.01', data: { from: 0.1, to: 0.01 } });
    s.addEvent(id, { kind: 'divergence', step: 700, message: 'NaN in train/loss' });
    expect(s.listEvents(id)).toMatchObject([
      { kind: 'anneal', step: 600, epoch: null, data: { from: 0.1, to: 0.01 } },
      { kind: 'divergence', step: 700, data: null },
    ]);
  });

  it('saves, lists, updates and deletes figures', () => {
    let t = 1;
    const s = mem({ now: () => t++ });
    const f = s.saveFigure({ name: 'fig 3', spec: { panels: [{ key: 'train/loss' }] } });
    s.saveFigure({ id: f.id, name: 'fig 3b', spec: { panels: [] } });
    s.saveFigure({ id: 'other', name: 'x', spec: 1 });
    expect(s.getFigure(f.id)).toMatchObject({ name: 'fig 3b', spec: { panels: [] }, createdAt: 1, updatedAt: 2 });
    expect(s.listFigures().map((x) => x.id)).toEqual(['other', f.id]);
    s.deleteFigure(f.id);
    expect(codeOf(() => s.getFigure(f.id))).toBe('not_found');
  });

  it('figures.save follows the id rule (so a saved figure can be deleted), and caps size and depth', () => {
    const s = mem();
    for (const id of ['../../x', 'a.b', 'x'.repeat(65), '']) {
      expect(codeOf(() => s.saveFigure({ id, name: 'f', spec: {} }))).toBe('invalid_argument');
    }
    const big = { data: 'x'.repeat(MAX_FIGURE_SPEC_BYTES) };
    expect(codeOf(() => s.saveFigure({ name: 'big', spec: big }))).toBe('invalid_argument');
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    expect(codeOf(() => s.saveFigure({ name: 'deep', spec: deep }))).toBe('invalid_argument');
    expect(codeOf(() => s.saveFigure({ name: 'n'.repeat(201), spec: {} }))).toBe('invalid_argument');
    expect(s.listFigures()).toEqual([]);
    const ok = s.saveFigure({ id: 'fig-3_b', name: 'ok', spec: { panels: [] } });
    s.deleteFigure(ok.id);
  });

  it('dataVersion changes on commits by this connection and by another one', () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'dv.sqlite');
      const a = openStore(file);
      const b = openStore(file);
      const v0 = b.dataVersion();
      expect(b.dataVersion()).toBe(v0);
      a.createRun(sampleRun());
      const v1 = b.dataVersion();
      expect(v1).not.toBe(v0);
      b.createRun(sampleRun());
      expect(b.dataVersion()).not.toBe(v1);
      a.close();
      b.close();
    } finally {
      cleanup();
    }
  });
});

describe('openStore options', () => {
  it('loads better-sqlite3 from an explicit nativeBinding path', () => {
    const require = createRequire(import.meta.url);
    const binding = require.resolve('better-sqlite3/build/Release/better_sqlite3.node');
    const s = openStore(':memory:', { nativeBinding: binding });
    expect(s.createRun(sampleRun()).status).toBe('queued');
    s.close();
  });
});
