/**
 * The header's Run tab: which run it opens (the last one visited) and what it says — "Live run"
 * only while that run trains, otherwise "Run" with the run's name and status as its tooltip.
 * Follows the run's status through training.onDidChangeStatus while the caller's scope lives.
 */
import { computed, onScopeDispose, ref, watch, type ComputedRef, type Ref } from 'vue';
import type { RunStatus } from '@api/index';
import { useApi } from '../api';

export interface RunTab {
  readonly label: string;
  readonly title: string;
}

export function useRunTab(runId: Readonly<Ref<string | null>>): ComputedRef<RunTab> {
  const name = ref('');
  const status = ref<RunStatus | null>(null);
  const unsubscribe = useApi().training.onDidChangeStatus((s) => {
    if (s.runId === runId.value) status.value = s.status;
  });
  onScopeDispose(unsubscribe);
  watch(
    runId,
    async (id) => {
      status.value = null;
      name.value = '';
      if (!id) return;
      try {
        const d = await useApi().runs.get({ id });
        if (runId.value !== id) return;
        name.value = d.name;
        // A status event that arrived while the detail loaded is newer than the detail.
        status.value ??= d.status;
      } catch {
        /* the tab still works without the run's name and status */
      }
    },
    { immediate: true },
  );
  return computed(() => ({
    label: status.value === 'running' ? 'Live run' : 'Run',
    title: name.value ? `${name.value} — ${status.value ?? 'status unknown'}` : 'The last run opened',
  }));
}
