// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { mount } from '@vue/test-utils';
import type { RunQuery, RunSummary } from '@api/index';
import { setApi } from '../api';
import { fakeApi, fakeKinds, fakeRunSummary, flush } from '../testing';
import RunsView from './RunsView.vue';

const run = (i: number): RunSummary =>
  fakeRunSummary(i, {
    status: i % 5 ? 'completed' : 'diverged',
    collapsed: i === 1,
    durationS: 2,
    hparams: { 'optim.rate': 0.5, 'data.d': 64 },
    metrics: { 'train/loss': { last: 0.1, min: 0.05, max: 0.7, lastStep: 100 } },
  });

describe('run browser view', () => {
  it('renders a window of rows out of 5 000, sorts on the host, and says when nothing matches', async () => {
    setActivePinia(createPinia());
    const all = Array.from({ length: 5000 }, (_, i) => run(i));
    const f = fakeApi({
      'runs.list': (q: RunQuery) => {
        const rows = q.text ? all.filter((r) => r.name.includes(q.text ?? '')) : all;
        return { total: rows.length, rows: rows.slice(q.offset ?? 0, (q.offset ?? 0) + (q.limit ?? 100)) };
      },
      'runs.tags': () => [],
      'training.presets': () => [],
      'training.specSchema': () => ({}),
      'experiments.kinds': () => fakeKinds(),
    });
    setApi(f.api);
    const w = mount(RunsView);
    await flush();
    expect(w.get('[data-testid="run-count"]').text()).toBe('5000 runs');
    const rows = w.findAll('[data-testid^="run-row-"]');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(60);
    expect(rows[0]?.text()).toContain('run 0');
    expect(rows[0]?.text()).toContain('0.1');
    expect(rows[0]?.text()).toContain('ρ=0.5');
    // A collapsed run is marked beside its status (it may still be completed).
    expect(rows[1]?.find('[data-testid="collapsed-badge"]').exists()).toBe(true);
    expect(rows[1]?.text()).toContain('completed');
    expect(rows[0]?.find('[data-testid="collapsed-badge"]').exists()).toBe(false);

    await w.get('[data-testid="sort-name"]').trigger('click');
    await flush();
    const last = f.calls.filter((c) => c.method === 'runs.list').at(-1)?.input as RunQuery;
    expect([last.sortBy, last.sortDir]).toEqual(['name', 'asc']);
    expect(w.get('[data-testid="sort-name"]').element.closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('ascending');

    await w.get('[data-testid="run-search"]').setValue('nothing like this');
    await new Promise((r) => setTimeout(r, 300));
    await flush();
    expect(w.get('[data-testid="runs-empty"]').text()).toContain('No runs match these filters.');
    w.unmount();
  });
});
