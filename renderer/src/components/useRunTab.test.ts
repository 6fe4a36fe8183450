import { describe, expect, it } from 'vitest';
import { effectScope, ref } from 'vue';
import { setApi } from '../api';
import { fakeApi, flush } from '../testing';
import { useRunTab } from './useRunTab';

describe('the Run tab', () => {
  it('says "Live run" only while its run trains, and follows status changes', async () => {
    const statuses: Record<string, 'running' | 'completed'> = { r1: 'running', r2: 'completed' };
    const f = fakeApi({ 'runs.get': ({ id }) => ({ id, name: `run ${id}`, status: statuses[id] }) as never });
    setApi(f.api);
    const scope = effectScope();
    const id = ref<string | null>(null);
    const tab = scope.run(() => useRunTab(id))!;
    expect(tab.value.label).toBe('Run');
    id.value = 'r1';
    await flush();
    expect(tab.value).toEqual({ label: 'Live run', title: 'run r1 — running' });
    f.emit('training.onDidChangeStatus', { runId: 'r1', status: 'completed', error: null });
    expect(tab.value).toEqual({ label: 'Run', title: 'run r1 — completed' });
    // Another run's status does not touch the tab.
    f.emit('training.onDidChangeStatus', { runId: 'r9', status: 'running', error: null });
    expect(tab.value.label).toBe('Run');
    id.value = 'r2';
    await flush();
    expect(tab.value).toEqual({ label: 'Run', title: 'run r2 — completed' });
    scope.stop();
    expect(f.listenerCount('training.onDidChangeStatus')).toBe(0);
  });
});
