import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { RunQuery, RunSummary } from '@api/index';
import { setApi } from '../api';
import { FakeApiError, fakeApi, fakeKinds, fakeRunSummary, flush } from '../testing';
import { buildQuery, useRunsStore } from './runs';
import { useNoticesStore } from './notices';

function run(i: number): RunSummary {
  return fakeRunSummary(i, {
    name: i % 2 ? `toy ${i}` : `cifar ${i}`,
    createdAt: new Date(2026, 0, 1, 0, 0, i).toISOString(),
    hparams: { eta1: 0.1 },
  });
}

/** An in-memory host with `n` runs that filters by text and pages like runs.list. */
function host(n: number) {
  const runs = Array.from({ length: n }, (_, i) => run(i));
  const f = fakeApi({
    'runs.list': (q: RunQuery) => {
      const live = runs
        .filter((r) => (q.deleted === 'only' ? r.deleted : !r.deleted))
        .filter((r) => !q.text || r.name.includes(q.text))
        .filter((r) => !q.ids || q.ids.includes(r.id));
      const off = q.offset ?? 0;
      return { total: live.length, rows: live.slice(off, off + (q.limit ?? 100)) };
    },
    'runs.tags': () => [],
    'training.presets': () => [],
    'experiments.kinds': () => fakeKinds(),
    'runs.delete': ({ ids }) => {
      for (const r of runs) if (ids.includes(r.id)) (r as { deleted: boolean }).deleted = true;
      return { ok: true };
    },
    'runs.restore': ({ ids }) => {
      for (const r of runs) if (ids.includes(r.id)) (r as { deleted: boolean }).deleted = false;
      return { ok: true };
    },
    'runs.rename': () => {
      throw new FakeApiError('conflict', 'run is locked');
    },
  });
  setApi(f.api);
  return { f, runs };
}

const listCalls = (f: ReturnType<typeof host>['f']) => f.calls.filter((c) => c.method === 'runs.list');

describe('runs store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.useRealTimers());

  it('builds runs.list queries that leave empty filters out', () => {
    const f = { text: ' toy ', status: [], preset: ['toy-ls'], algorithm: [], tag: [], createdFrom: '', createdTo: '', groupId: '', deleted: 'exclude' as const };
    expect(buildQuery(f, { by: 'createdAt', dir: 'desc' }, ['train/loss'], 200, 100)).toEqual({
      sortBy: 'createdAt',
      sortDir: 'desc',
      offset: 200,
      limit: 100,
      metricKeys: ['train/loss'],
      deleted: 'exclude',
      text: 'toy',
      preset: ['toy-ls'],
    });
  });

  it('shows the kinds’ default metric columns until the user picks others, and keeps the choice in the storage it is given', async () => {
    const { f } = host(3);
    const s = useRunsStore();
    const data = new Map<string, string>();
    s.setStorage({ getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) });
    await s.reload();
    expect(s.metricKeys).toEqual(['train/loss', 'test/acc']);
    expect((listCalls(f)[0]?.input as RunQuery).metricKeys).toEqual(['train/loss', 'test/acc']);
    expect(s.allColumns.filter((c) => c.metric).map((c) => c.label)).toEqual(['Train loss final', 'Train loss best', 'Test accuracy final', 'Test accuracy best']);
    expect(s.allColumns.find((c) => c.id === 'metric:train/loss:min')?.metric).toEqual({ key: 'train/loss', stat: 'min' });
    s.setMetricKeys(['test/acc', ' ', 'test/acc']);
    expect(s.metricKeys).toEqual(['test/acc']);
    expect(JSON.parse(data.get('lrlab.runMetricKeys') ?? 'null')).toEqual(['test/acc']);
    s.setColumnVisible('seed', false);
    expect(JSON.parse(data.get('lrlab.runColumns') ?? '[]')).toContain('seed');
  });

  it('shows the default metric columns of the kinds whose runs are listed, and asks the host for every kind’s', async () => {
    const other = { ...fakeKinds()[0]!, kind: 'other-kind', label: 'Other', metrics: [{ key: 'val/err', label: 'Validation error', family: 'err', better: 'min' as const }], defaultColumns: ['val/err'] };
    const rows = [fakeRunSummary(1, { kind: 'other-kind' }), fakeRunSummary(2, { kind: 'other-kind' })];
    const f = fakeApi({
      'runs.list': () => ({ total: rows.length, rows }),
      'runs.tags': () => [],
      'training.presets': () => [],
      'experiments.kinds': () => [...fakeKinds(), other],
    });
    setApi(f.api);
    const s = useRunsStore();
    s.setStorage(null);
    await s.reload();
    expect((f.calls.find((c) => c.method === 'runs.list')?.input as RunQuery).metricKeys).toEqual(['train/loss', 'test/acc', 'val/err']);
    expect(s.shownMetricKeys).toEqual(['val/err']);
    expect(s.allColumns.filter((c) => c.metric).map((c) => c.label)).toEqual(['Validation error final', 'Validation error best']);
    rows.push(fakeRunSummary(3));
    await s.reload();
    expect(s.shownMetricKeys).toEqual(['train/loss', 'test/acc', 'val/err']);
  });

  it('holds only the pages scrolled to, out of 5 000 runs', async () => {
    const { f } = host(5000);
    const s = useRunsStore();
    await s.reload();
    expect(s.total).toBe(5000);
    expect(s.rowAt(0)?.id).toBe('r0');
    expect(s.rowAt(4000)).toBeUndefined();
    await s.ensureRange(3990, 4030);
    expect(s.rowAt(4000)?.id).toBe('r4000');
    expect(s.pages.size).toBe(3);
    expect(listCalls(f).map((c) => (c.input as RunQuery).offset)).toEqual([0, 3800, 4000]);
    await s.ensureRange(3990, 4030);
    expect(listCalls(f)).toHaveLength(3);
  });

  it('sends the search to the host and starts over from the first page', async () => {
    const { f } = host(300);
    const s = useRunsStore();
    await s.reload();
    await s.ensureRange(250, 260);
    s.setFilters({ text: 'toy' });
    await flush();
    expect(s.total).toBe(150);
    expect(s.pages.size).toBe(1);
    expect((listCalls(f).at(-1)?.input as RunQuery).text).toBe('toy');
    expect(s.activeFilterCount).toBe(1);
  });

  it('toggles sort direction on the same column', async () => {
    host(3);
    const s = useRunsStore();
    s.setSort('name');
    expect({ ...s.sort }).toEqual({ by: 'name', dir: 'asc' });
    s.setSort('name');
    expect(s.sort.dir).toBe('desc');
    await flush();
  });

  it('says which selected runs a filter hides, asking the host, and can keep only the shown ones', async () => {
    const { f } = host(10);
    const s = useRunsStore();
    await s.reload();
    s.selectRange(['r0', 'r1', 'r2', 'r3']);
    await flush();
    expect(s.hiddenSelected).toEqual([]);
    s.setFilters({ text: 'toy' }); // toy = odd runs: r0 and r2 are hidden now
    await flush();
    await flush();
    expect(s.hiddenSelected).toEqual(['r0', 'r2']);
    const q = listCalls(f).at(-1)?.input as RunQuery;
    expect([q.text, q.ids]).toEqual(['toy', ['r0', 'r1', 'r2', 'r3']]);
    s.keepShownSelected();
    await flush();
    expect([...s.selected]).toEqual(['r1', 'r3']);
    expect(s.hiddenSelected).toEqual([]);
  });

  it('deletes with an Undo that restores', async () => {
    const { runs } = host(3);
    const s = useRunsStore();
    const notices = useNoticesStore();
    await s.reload();
    s.toggleSelected('r1');
    expect(await s.remove(['r1'])).toBe(true);
    expect(runs[1]?.deleted).toBe(true);
    expect(s.selected.has('r1')).toBe(false);
    const undo = notices.items.find((n) => n.action?.label === 'Undo');
    expect(undo?.text).toBe('Deleted 1 run.');
    if (undo) await notices.act(undo);
    expect(runs[1]?.deleted).toBe(false);
    expect(notices.items.some((n) => n.text === 'Restored 1 run.')).toBe(true);
    // Let the refresh the actions scheduled (50 ms) run here, not in the next test against its api.
    await new Promise((r) => setTimeout(r, 80));
  });

  it('shows a failed action as an error message', async () => {
    host(1);
    const s = useRunsStore();
    const notices = useNoticesStore();
    expect(await s.rename('r0', 'x')).toBeNull();
    expect(notices.items[0]).toMatchObject({ kind: 'error', text: 'Rename failed: run is locked' });
  });

  it('fetches again a page that was in flight when the runs changed (its answer is dropped)', async () => {
    const rows = Array.from({ length: 600 }, (_, i) => run(i));
    const gate: { open?: () => void } = {};
    const f = fakeApi({
      'runs.list': async (q: RunQuery) => {
        const off = q.offset ?? 0;
        if (off === 400 && !gate.open) await new Promise<void>((r) => (gate.open = r));
        return { total: rows.length, rows: rows.slice(off, off + (q.limit ?? 100)) };
      },
      'runs.tags': () => [],
      'training.presets': () => [],
      'experiments.kinds': () => fakeKinds(),
    });
    setApi(f.api);
    const s = useRunsStore();
    await s.reload();
    const pending = s.ensureRange(400, 410);
    await flush();
    const refreshed = s.refresh();
    gate.open?.();
    await Promise.all([pending, refreshed]);
    expect(s.rowAt(400)?.id).toBe('r400');
  });

  it('refreshes shown pages when the host says runs changed, and stops listening', async () => {
    vi.useFakeTimers();
    const { f } = host(3);
    const s = useRunsStore();
    await s.reload();
    s.start();
    expect(f.listenerCount('runs.onDidChange')).toBe(1);
    f.emit('runs.onDidChange', { runIds: ['r0'], reason: 'renamed' });
    f.emit('runs.onDidChange', { runIds: ['r1'], reason: 'renamed' });
    await vi.advanceTimersByTimeAsync(400);
    expect(listCalls(f)).toHaveLength(2);
    s.stop();
    expect(f.listenerCount('runs.onDidChange')).toBe(0);
  });
});

describe('importing a bundle', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('offers to replace runs that already exist', async () => {
    const f = fakeApi({
      'runs.import': ({ overwrite }) => {
        if (!overwrite) throw new FakeApiError('conflict', 'run r1 already exists');
        return { imported: ['r1'] };
      },
      'runs.list': () => ({ total: 0, rows: [] }),
      'runs.tags': () => [],
    });
    setApi(f.api);
    const s = useRunsStore();
    const notices = useNoticesStore();
    expect(await s.importBundle('{}')).toBeNull();
    const offer = notices.items.find((n) => n.action?.label === 'Replace existing');
    expect(offer?.text).toBe('Import stopped: run r1 already exists');
    if (offer) await notices.act(offer);
    expect(f.calls.filter((c) => c.method === 'runs.import').map((c) => (c.input as { overwrite: boolean }).overwrite)).toEqual([false, true]);
    expect(notices.items.some((n) => n.text === 'Imported 1 run.')).toBe(true);
  });

  it("keeps an import's confirmation until it is dismissed (a fading one is missed after a long import)", async () => {
    vi.useFakeTimers();
    try {
      setApi(fakeApi({ 'runs.import': () => ({ imported: ['a', 'b'] }), 'runs.list': () => ({ total: 0, rows: [] }), 'runs.tags': () => [] }).api);
      const s = useRunsStore();
      const notices = useNoticesStore();
      expect(await s.importBundle('{}')).toEqual(['a', 'b']);
      await vi.advanceTimersByTimeAsync(60_000);
      const done = notices.items.find((n) => n.text === 'Imported 2 runs.');
      expect(done).toBeDefined();
      if (done) notices.dismiss(done.id);
      expect(notices.items.some((n) => n.text === 'Imported 2 runs.')).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
