/**
 * The experiment kinds the host runs (`experiments.kinds`): fields, condition labels, metric
 * keys and labels, default columns and panels. Loaded once and shared by every view.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { KindInfo } from '@api/index';
import { useApi } from '../api';
import { errorText } from '../lib/format';

export const useKindsStore = defineStore('kinds', () => {
  const kinds = shallowRef<KindInfo[]>([]);
  const loaded = ref(false);
  const error = ref<string | null>(null);
  let loading: Promise<void> | null = null;

  /** Loads the kinds once; later calls wait for the same request. A failure is kept in `error` and retried on the next call. */
  function load(): Promise<void> {
    if (loaded.value) return Promise.resolve();
    return (loading ??= (async () => {
      try {
        kinds.value = await useApi().experiments.kinds({});
        loaded.value = true;
        error.value = null;
      } catch (e) {
        error.value = errorText(e);
      } finally {
        loading = null;
      }
    })());
  }

  return { kinds, loaded, error, load };
});
