/**
 * The run browser's state. The host filters, sorts and pages (runs.list); this store keeps
 * the pages the table has scrolled to, so 5 000 runs never sit in memory or the DOM at once.
 * Curation actions (rename, tags, notes, delete with undo, …) go straight to the api.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, triggerRef, watch } from 'vue';
import type { RunQuery, RunSummary } from '@api/index';
import { RUN_STATUSES } from '@api/statuses';
import { useApi } from '../api';
import { BASE_COLUMNS, metricColumns, type Column } from '../lib/columns';
import { errorText } from '../lib/format';
import { emptyFilters, type RunFilters } from '../lib/runFilters';
import { defaultMetricKeys } from '../lib/kinds';
import { useKindsStore } from './kinds';
import { browserStorage, type ChoiceStorage } from './storage';
import { useNoticesStore } from './notices';

export { RUN_STATUSES };

export { BASE_COLUMNS, metricColumns } from '../lib/columns';
export type { Column, MetricStat } from '../lib/columns';
export type { RunFilters } from '../lib/runFilters';

/** The runs.list request for filters, sort and a page. Empty filters are left out. */
export function buildQuery(f: RunFilters, sort: { by: string; dir: 'asc' | 'desc' }, metricKeys: readonly string[], offset: number, limit: number): RunQuery {
  const q: RunQuery = { sortBy: sort.by, sortDir: sort.dir, offset, limit, metricKeys: [...metricKeys], deleted: f.deleted };
  if (f.text.trim()) q.text = f.text.trim();
  if (f.status.length) q.status = [...f.status];
  if (f.preset.length) q.preset = [...f.preset];
  if (f.algorithm.length) q.algorithm = [...f.algorithm];
  if (f.tag.length) q.tag = [...f.tag];
  if (f.groupId) q.groupId = f.groupId;
  // Dates from <input type="date"> are local days; the store compares ISO timestamps.
  if (f.createdFrom) q.createdFrom = new Date(`${f.createdFrom}T00:00:00`).toISOString();
  if (f.createdTo) q.createdTo = new Date(`${f.createdTo}T23:59:59.999`).toISOString();
  return q;
}

const COLUMNS_KEY = 'lrlab.runColumns';
const METRICS_KEY = 'lrlab.runMetricKeys';

export type { ChoiceStorage } from './storage';

function readJson<T>(storage: ChoiceStorage | null, key: string, fallback: T): T {
  try {
    const raw = storage?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}
function writeJson(storage: ChoiceStorage | null, key: string, v: unknown): void {
  try {
    storage?.setItem(key, JSON.stringify(v));
  } catch {
    /* storage full or disabled: the choice lasts for this session only */
  }
}

export const useRunsStore = defineStore('runs', () => {
  const notices = useNoticesStore();
  const kindsStore = useKindsStore();
  let storage: ChoiceStorage | null = browserStorage();
  const filters = reactive<RunFilters>(emptyFilters());
  const sort = reactive<{ by: string; dir: 'asc' | 'desc' }>({ by: 'createdAt', dir: 'desc' });
  /** The metric keys the user chose, or null: the kinds' default columns. */
  const chosenMetricKeys = ref<string[] | null>(readJson<string[] | null>(storage, METRICS_KEY, null));
  const metricKeys = computed<string[]>(() => chosenMetricKeys.value ?? defaultMetricKeys(kindsStore.kinds));
  const hidden = ref<string[]>(readJson(storage, COLUMNS_KEY, ['backend']));

  /** Reads the column choices from another storage (tests; a host without localStorage). */
  function setStorage(s: ChoiceStorage | null): void {
    storage = s;
    chosenMetricKeys.value = readJson<string[] | null>(storage, METRICS_KEY, null);
    hidden.value = readJson(storage, COLUMNS_KEY, ['backend']);
  }
  const pageSize = ref(200);

  const total = ref(0);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const pages = shallowRef(new Map<number, RunSummary[]>());
  const inflight = new Set<number>();
  let generation = 0;
  /** Bumped when shown runs may have changed on the host (not when more pages scroll in). */
  const version = ref(0);

  const selected = ref<Set<string>>(new Set());
  const tagCounts = ref<{ tag: string; count: number }[]>([]);
  const presetNames = ref<string[]>([]);

  /** The experiment kinds of the runs loaded so far. */
  const kindsInView = computed(() => {
    const seen = new Set<string>();
    for (const rows of pages.value.values()) for (const r of rows) seen.add(r.kind);
    return seen;
  });
  /**
   * The metric keys that get columns: the user's choice, else the default columns of the
   * kinds whose runs are listed (so a list of image runs does not show the synthetic kind's
   * metrics as "—"), else (nothing loaded yet) every kind's. The host is asked for all of
   * `metricKeys`, so a page of another kind scrolling in needs no new request.
   */
  const shownMetricKeys = computed<string[]>(() => {
    if (chosenMetricKeys.value) return chosenMetricKeys.value;
    const inView = kindsStore.kinds.filter((k) => kindsInView.value.has(k.kind));
    return inView.length ? defaultMetricKeys(inView) : metricKeys.value;
  });
  const allColumns = computed<Column[]>(() => [...BASE_COLUMNS.slice(0, 8), ...shownMetricKeys.value.flatMap((k) => metricColumns(kindsStore.kinds, k)), ...BASE_COLUMNS.slice(8)]);
  const columns = computed(() => allColumns.value.filter((c) => !hidden.value.includes(c.id)));

  const activeFilterCount = computed(
    () =>
      (filters.text.trim() ? 1 : 0) +
      filters.status.length +
      filters.preset.length +
      filters.algorithm.length +
      filters.tag.length +
      (filters.createdFrom ? 1 : 0) +
      (filters.createdTo ? 1 : 0) +
      (filters.groupId ? 1 : 0) +
      (filters.deleted === 'only' ? 1 : 0),
  );

  function rowAt(i: number): RunSummary | undefined {
    return pages.value.get(Math.floor(i / pageSize.value))?.[i % pageSize.value];
  }

  async function fetchPage(page: number, gen: number): Promise<void> {
    if (inflight.has(page)) return;
    inflight.add(page);
    try {
      const r = await useApi().runs.list(buildQuery(filters, sort, metricKeys.value, page * pageSize.value, pageSize.value));
      if (gen !== generation) return;
      total.value = r.total;
      pages.value.set(page, r.rows);
      triggerRef(pages);
      error.value = null;
    } catch (e) {
      if (gen === generation) error.value = errorText(e);
    } finally {
      inflight.delete(page);
    }
  }

  /** Loads the pages covering rows [first, last] that are not loaded yet. */
  async function ensureRange(first: number, last: number): Promise<void> {
    const size = pageSize.value;
    const lo = Math.max(0, Math.floor(first / size));
    const hi = Math.max(lo, Math.floor(Math.min(last, Math.max(total.value - 1, 0)) / size));
    const gen = generation;
    const jobs: Promise<void>[] = [];
    for (let p = lo; p <= hi; p++) if (!pages.value.has(p)) jobs.push(fetchPage(p, gen));
    await Promise.all(jobs);
  }

  /** Starts over from the first page (filters or sort changed). */
  async function reload(): Promise<void> {
    // The default metric columns come from the kinds (loaded once; a failure leaves the table without them).
    if (!kindsStore.loaded) await kindsStore.load();
    generation++;
    inflight.clear();
    pages.value = new Map();
    loading.value = true;
    await fetchPage(0, generation);
    loading.value = false;
    loaded.value = true;
    void checkSelection();
  }

  /** Re-reads the pages already shown (a run changed), keeping them on screen meanwhile. */
  async function refresh(): Promise<void> {
    // Pages still in flight belong to the old generation and will be dropped: fetch them again too,
    // or a page scrolled to just before a change would stay "loading…" for good.
    const shown = [...new Set([...pages.value.keys(), ...inflight])];
    generation++;
    inflight.clear();
    const gen = generation;
    await Promise.all((shown.length ? shown : [0]).map((p) => fetchPage(p, gen)));
    version.value++;
    void loadFacets();
    void checkSelection();
  }

  async function loadFacets(): Promise<void> {
    const api = useApi();
    try {
      tagCounts.value = await api.runs.tags({});
    } catch {
      /* facets are a convenience: the table still works without them */
    }
    if (presetNames.value.length === 0) {
      try {
        presetNames.value = (await api.training.presets({})).map((p) => p.name);
      } catch {
        /* as above */
      }
    }
  }

  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  function scheduleRefresh(ms = 300): void {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      void refresh();
    }, ms);
  }

  let unsubscribers: (() => void)[] = [];
  /** Listens for changes while the browser is shown. */
  function start(): void {
    if (unsubscribers.length) return;
    const api = useApi();
    unsubscribers = [api.runs.onDidChange(() => scheduleRefresh()), api.training.onDidChangeStatus(() => scheduleRefresh())];
  }
  function stop(): void {
    for (const u of unsubscribers) u();
    unsubscribers = [];
  }

  function setSort(by: string): void {
    if (sort.by === by) sort.dir = sort.dir === 'asc' ? 'desc' : 'asc';
    else {
      sort.by = by;
      sort.dir = by === 'name' || by === 'preset' || by === 'algorithm' ? 'asc' : 'desc';
    }
    void reload();
  }

  function setFilters(patch: Partial<RunFilters>): void {
    Object.assign(filters, patch);
    void reload();
  }
  function clearFilters(): void {
    Object.assign(filters, emptyFilters());
    void reload();
  }

  function setColumnVisible(id: string, visible: boolean): void {
    hidden.value = visible ? hidden.value.filter((h) => h !== id) : [...new Set([...hidden.value, id])];
    writeJson(storage, COLUMNS_KEY, hidden.value);
  }
  function setMetricKeys(keys: string[]): void {
    chosenMetricKeys.value = [...new Set(keys.map((k) => k.trim()).filter(Boolean))].slice(0, 10);
    writeJson(storage, METRICS_KEY, chosenMetricKeys.value);
    void reload();
  }

  /**
   * Selected runs the current filters do not show (a selection outlives a filter change): the
   * selection bar says how many, and Compare, Export and Delete say they include them, so none
   * is acted on unseen. Asked of the host (runs.list with the selection's ids and the filters).
   */
  const hiddenSelected = ref<string[]>([]);
  let selectionSeq = 0;
  async function checkSelection(): Promise<void> {
    const ids = [...selected.value];
    const my = ++selectionSeq;
    if (ids.length === 0) {
      hiddenSelected.value = [];
      return;
    }
    try {
      const shown = new Set<string>();
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        const r = await useApi().runs.list({ ...buildQuery(filters, sort, [], 0, chunk.length), ids: chunk });
        for (const row of r.rows) shown.add(row.id);
      }
      if (my === selectionSeq) hiddenSelected.value = ids.filter((id) => !shown.has(id));
    } catch {
      /* the count is a convenience; the table itself reports errors */
    }
  }
  watch(selected, () => void checkSelection());
  /** Drops the selected runs the filters hide. */
  function keepShownSelected(): void {
    const hide = new Set(hiddenSelected.value);
    selected.value = new Set([...selected.value].filter((id) => !hide.has(id)));
  }

  function toggleSelected(id: string, on?: boolean): void {
    const s = new Set(selected.value);
    if (on ?? !s.has(id)) s.add(id);
    else s.delete(id);
    selected.value = s;
  }
  function selectRange(ids: readonly string[]): void {
    selected.value = new Set([...selected.value, ...ids]);
  }
  function clearSelection(): void {
    selected.value = new Set();
  }

  async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
    try {
      const r = await fn();
      scheduleRefresh(50);
      return r;
    } catch (e) {
      notices.error(what, e);
      return null;
    }
  }

  const rename = (id: string, name: string) => guarded('Rename failed', () => useApi().runs.rename({ id, name }));
  const setTags = (id: string, tags: string[]) => guarded('Tags not saved', () => useApi().runs.setTags({ id, tags }));
  const setNotes = (id: string, notes: string) => guarded('Notes not saved', () => useApi().runs.setNotes({ id, notes }));
  const cancel = (id: string) => guarded('Cancel failed', () => useApi().training.cancel({ id }));
  const resume = (id: string) => guarded('Resume failed', () => useApi().training.resume({ id }));

  /** Soft-deletes runs and offers Undo (runs.restore). */
  async function remove(ids: readonly string[]): Promise<boolean> {
    if (ids.length === 0) return false;
    const list = [...ids];
    const ok = await guarded('Delete failed', () => useApi().runs.delete({ ids: list }));
    if (!ok) return false;
    selected.value = new Set([...selected.value].filter((id) => !list.includes(id)));
    notices.info(`Deleted ${list.length} run${list.length === 1 ? '' : 's'}.`, { label: 'Undo', run: async () => void (await restore(list)) }, 15000);
    return true;
  }
  async function restore(ids: readonly string[]): Promise<boolean> {
    const list = [...ids];
    const ok = await guarded('Restore failed', () => useApi().runs.restore({ ids: list }));
    if (ok) notices.info(`Restored ${list.length} run${list.length === 1 ? '' : 's'}.`);
    return ok !== null;
  }
  async function purge(ids: readonly string[]): Promise<boolean> {
    const list = [...ids];
    const ok = await guarded('Purge failed', () => useApi().runs.purge({ ids: list }));
    if (ok) notices.info(`Removed ${list.length} run${list.length === 1 ? '' : 's'} for good.`);
    return ok !== null;
  }

  const exportRuns = (ids: readonly string[], format: 'json' | 'csv') => guarded('Export failed', () => useApi().runs.export({ ids: [...ids], format }));
  /** Imports a bundle; when its runs already exist, offers to replace them. */
  async function importBundle(content: string, overwrite = false): Promise<string[] | null> {
    try {
      const r = await useApi().runs.import({ content, overwrite });
      // The answer to a long bulk action stays until dismissed: a fading confirmation of an import
      // that took a while is easily missed (and under load may fade before it is ever painted).
      notices.push({ kind: 'info', text: `Imported ${r.imported.length} run${r.imported.length === 1 ? '' : 's'}.` }, null);
      scheduleRefresh(50);
      return r.imported;
    } catch (e) {
      const conflict = typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'conflict';
      if (conflict && !overwrite) {
        notices.push({ kind: 'error', text: `Import stopped: ${errorText(e)}`, action: { label: 'Replace existing', run: async () => void (await importBundle(content, true)) } });
      } else notices.error('Import failed', e);
      return null;
    }
  }

  return {
    filters,
    sort,
    metricKeys,
    shownMetricKeys,
    hidden,
    setStorage,
    pageSize,
    total,
    loaded,
    loading,
    error,
    pages,
    version,
    selected,
    hiddenSelected,
    keepShownSelected,
    tagCounts,
    presetNames,
    allColumns,
    columns,
    activeFilterCount,
    rowAt,
    ensureRange,
    reload,
    refresh,
    loadFacets,
    start,
    stop,
    setSort,
    setFilters,
    clearFilters,
    setColumnVisible,
    setMetricKeys,
    toggleSelected,
    selectRange,
    clearSelection,
    rename,
    setTags,
    setNotes,
    cancel,
    resume,
    remove,
    restore,
    purge,
    exportRuns,
    importBundle,
  };
});
