import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type RunStore } from './index';
import { StoreError } from './errors';
import { sampleRun } from './test-fixtures/helpers';

let s: RunStore;
const ids: string[] = [];

// 5 000 runs: every 10th tagged, statuses and presets cycling, a 'loss' metric whose final value is i.
beforeAll(() => {
  let t = 1_000_000;
  s = openStore(':memory:', { now: () => t++ });
  const statuses = ['completed', 'diverged', 'stopped'] as const;
  for (let i = 0; i < 5000; i++) {
    const r = s.createRun(
      sampleRun({
        id: `r${String(i).padStart(4, '0')}`,
        name: i === 1234 ? 'The Needle run' : `run ${i}`,
        preset: i % 2 === 0 ? 'toy-ls' : 'toy-sl',
        algorithm: i % 3 === 0 ? 'sgd' : 'sgd-noise',
        groupId: `g${Math.floor(i / 5)}`,
        tags: i % 10 === 0 ? ['tenth'] : [],
        notes: i === 4321 ? 'look at the anneal' : '',
      }),
    );
    ids.push(r.id);
    if (i % 4 !== 3) {
      s.markRunning(r.id);
      s.finishRun(r.id, statuses[i % 3] as 'completed', { summary: { steps: 10 * i } });
    }
  }
  // metrics for a subset (the others have none: they must sort last)
  for (let i = 0; i < 5000; i += 2) {
    const w = s.metricWriter(ids[i] as string);
    w.writePoint('loss', 0, 10_000 + i);
    w.writePoint('loss', 1, i === 10 ? NaN : i);
    w.close();
  }
}, 60_000);
afterAll(() => s.close());

describe('listRuns', () => {
  it('counts, pages and sorts by creation time (newest first by default)', () => {
    const page = s.listRuns({ limit: 20, offset: 40 });
    expect(page.total).toBe(5000);
    expect(page.rows.map((r) => r.id)).toEqual(ids.slice().reverse().slice(40, 60));
  });

  it('searches text over name, notes, preset and tags', () => {
    expect(s.listRuns({ text: 'needle' }).rows.map((r) => r.id)).toEqual(['r1234']);
    expect(s.listRuns({ text: 'ANNEAL' }).rows.map((r) => r.id)).toEqual(['r4321']);
    expect(s.listRuns({ text: 'tenth' }).total).toBe(500);
    expect(s.listRuns({ text: 'toy-sl' }).total).toBe(2500);
    expect(s.listRuns({ text: '100%' }).total).toBe(0);
  });

  it('filters by status, preset, algorithm, tag, group and creation time', () => {
    expect(s.listRuns({ status: ['queued'] }).total).toBe(1250);
    expect(s.listRuns({ status: ['queued', 'completed'] }).total).toBe(1250 + 1250);
    expect(s.listRuns({ preset: ['toy-ls'], algorithm: ['sgd'] }).total).toBe(834);
    expect(s.listRuns({ tag: ['tenth'], preset: ['toy-sl'] }).total).toBe(0);
    expect(s.listRuns({ groupId: 'g7' }).rows.map((r) => r.id).sort()).toEqual(['r0035', 'r0036', 'r0037', 'r0038', 'r0039']);
    const first = s.getRun('r0100').createdAt;
    const last = s.getRun('r0199').createdAt;
    expect(s.listRuns({ createdFrom: first, createdTo: last }).total).toBe(100);
    // Which of a selection a filter shows (the run browser's "hidden by the filter").
    expect(s.listRuns({ ids: ['r0010', 'r0011', 'r0020', 'nope'], tag: ['tenth'] }).rows.map((r) => r.id).sort()).toEqual(['r0010', 'r0020']);
  });

  it('sorts by summary columns and by a metric, with missing and NaN values last', () => {
    expect(s.listRuns({ sortBy: 'steps', sortDir: 'desc', limit: 2 }).rows.map((r) => r.steps)).toEqual([49_980, 49_970]);
    expect(s.listRuns({ sortBy: 'name', sortDir: 'asc', limit: 1 }).rows[0]?.name).toBe('run 0');
    // The run browser's Backend column sorts (it was not a sort column, so its header failed).
    expect(s.listRuns({ sortBy: 'backend', limit: 1 }).total).toBe(5000);
    const asc = s.listRuns({ sortBy: { metric: 'loss', stat: 'last' }, sortDir: 'asc', limit: 3, metricKeys: ['loss'] });
    expect(asc.rows.map((r) => r.id)).toEqual(['r0000', 'r0002', 'r0004']);
    expect(asc.rows[0]?.metrics['loss']).toMatchObject({ last: 0, min: 0, max: 10_000, nPoints: 2 });
    const desc = s.listRuns({ sortBy: { metric: 'loss', stat: 'last' }, sortDir: 'desc', limit: 1 });
    expect(desc.rows[0]?.id).toBe('r4998');
    const all = s.listRuns({ sortBy: { metric: 'loss', stat: 'last' }, sortDir: 'desc', limit: 5000 }).rows;
    const nanAt = all.findIndex((r) => r.id === 'r0010');
    expect(nanAt).toBe(2499); // after every finite value, before the runs without the metric
    expect(s.listRuns({ sortBy: { metric: 'loss', stat: 'max' }, sortDir: 'desc', limit: 1 }).rows[0]?.id).toBe('r4998');
    expect(s.listRuns({ sortBy: { metric: 'unknown', stat: 'min' }, limit: 1 }).total).toBe(5000);
  });

  it('rejects an unknown sort column', () => {
    expect(() => s.listRuns({ sortBy: 'rid; DROP TABLE runs' as 'name' })).toThrow(StoreError);
    expect(() => s.listRuns({ sortBy: { metric: 'loss', stat: 'last_value; DROP TABLE runs --' as 'last' } })).toThrow(StoreError);
  });
});
