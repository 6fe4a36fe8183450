/**
 * One run as it trains: its detail (spec, provenance, events), the latest progress tick and
 * curve buffers fed by training.onDidProgress. The buffers are plain arrays outside Vue's
 * reactivity (charts read them); `dataTick` says points were added, `structureTick` says the
 * set of curves changed, so a view updates charts with only what changed.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Progress, RunDetail, RunStatus, RunSummary } from '@api/index';
import { FINAL_RUN_STATUSES } from '@api/statuses';
import { useApi } from '../api';
import type { CurveBuffer, MarkEvent } from '../charts/curves';
import { appendValues } from '../charts/curves';
import { wireToNumber } from '../charts/theme';
import { errorText } from '../lib/format';

/** Statuses of a run that no longer trains or waits: the store's list, through the api. */
export const TERMINAL: readonly RunStatus[] = FINAL_RUN_STATUSES;
export const isTerminal = (s: RunStatus): boolean => TERMINAL.includes(s);

/** Puts stored points first and keeps live points newer than the last stored step. */
export function mergeStored(buffer: CurveBuffer, steps: readonly number[], values: readonly (number | string)[]): void {
  const stored = steps.map((step, i) => ({ step, value: wireToNumber(values[i] ?? 'NaN') }));
  const lastStored = stored.length ? (stored[stored.length - 1]?.step ?? -1) : -1;
  const newer = buffer.points.filter((p) => p.step > lastStored);
  buffer.points.splice(0, buffer.points.length, ...stored, ...newer);
}

export const useLiveStore = defineStore('live', () => {
  const runId = ref<string | null>(null);
  const detail = shallowRef<RunDetail | null>(null);
  const status = ref<RunStatus | null>(null);
  const statusError = ref<string | null>(null);
  const progress = shallowRef<Progress | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  const group = shallowRef<RunSummary[]>([]);
  /** While queued: where the run stands, or why it will not start from this host. */
  const queueNote = ref<string | null>(null);
  const groupProgress = ref<Record<string, { step: number; totalSteps: number }>>({});

  let buffers = new Map<string, CurveBuffer>();
  const dataTick = ref(0);
  const structureTick = ref(0);

  const keys = computed<string[]>(() => {
    void structureTick.value;
    return [...buffers.keys()].sort();
  });
  const events = computed<MarkEvent[]>(() =>
    (detail.value?.events ?? []).filter((e) => e.step !== null).map((e) => ({ kind: e.kind, step: e.step ?? 0, message: e.message })),
  );
  const fraction = computed(() => {
    // A completed run is done even when it stopped early (a loss target reached before max iterations).
    if (status.value === 'completed') return 1;
    const p = progress.value;
    if (p && p.totalSteps > 0) return Math.min(1, p.step / p.totalSteps);
    return 0;
  });
  /** The last step reached: the latest tick, or what the store recorded once the run has ended. */
  const lastStep = computed(() => {
    const fromMetrics = Object.values(detail.value?.metrics ?? {}).reduce((a, m) => Math.max(a, m.lastStep ?? 0), 0);
    return Math.max(progress.value?.step ?? 0, fromMetrics);
  });

  let unsubscribers: (() => void)[] = [];
  let detailTimer: ReturnType<typeof setTimeout> | null = null;

  function getBuffers(): ReadonlyMap<string, CurveBuffer> {
    return buffers;
  }

  async function loadDetail(): Promise<void> {
    const id = runId.value;
    if (!id) return;
    try {
      const d = await useApi().runs.get({ id });
      if (id !== runId.value) return;
      detail.value = d;
      status.value = d.status;
      statusError.value = d.error;
      error.value = null;
      if (d.status === 'queued') void loadQueue(d.id);
      else queueNote.value = null;
    } catch (e) {
      if (id === runId.value) error.value = errorText(e);
    }
  }

  async function loadSeries(): Promise<void> {
    const id = runId.value;
    const metricKeys = detail.value?.metricKeys ?? [];
    if (!id || metricKeys.length === 0) return;
    try {
      const r = await useApi().runs.series({ runIds: [id], keys: metricKeys, maxPoints: 4000 });
      if (id !== runId.value) return;
      let added = false;
      for (const s of r.series) {
        let b = buffers.get(s.key);
        if (!b) {
          b = { key: s.key, points: [] };
          buffers.set(s.key, b);
          added = true;
        }
        mergeStored(b, s.steps, s.values);
      }
      if (added) structureTick.value++;
      else dataTick.value++;
    } catch (e) {
      if (id === runId.value) error.value = `Curves could not be loaded: ${errorText(e)}`;
    }
  }

  async function loadQueue(id: string): Promise<void> {
    try {
      const q = await useApi().training.queue({});
      if (id !== runId.value || status.value !== 'queued') return;
      if (!q.ownsQueue) {
        queueNote.value = `This host does not run the queue of this store${q.note ? `: ${q.note}` : ' (another LR Lab process owns it; the run starts there)'}.`;
      } else {
        const ahead = q.queued.indexOf(id);
        queueNote.value = `Queued: ${q.running.length} running, ${ahead < 0 ? 'position unknown' : `${ahead} ahead of it`}${q.note ? ` — ${q.note}` : ''}.`;
      }
    } catch {
      queueNote.value = null;
    }
  }

  async function loadGroup(): Promise<void> {
    const gid = detail.value?.groupId;
    if (!gid) {
      group.value = [];
      return;
    }
    try {
      const r = await useApi().runs.list({ groupId: gid, sortBy: 'seed', sortDir: 'asc', limit: 100 });
      group.value = r.rows;
    } catch {
      /* the group strip is a convenience */
    }
  }

  function scheduleDetail(ms = 800): void {
    if (detailTimer) return;
    detailTimer = setTimeout(() => {
      detailTimer = null;
      void loadDetail().then(loadGroup);
    }, ms);
  }

  function onProgress(p: Progress): void {
    if (group.value.some((r) => r.id === p.runId)) groupProgress.value = { ...groupProgress.value, [p.runId]: { step: p.step, totalSteps: p.totalSteps } };
    if (p.runId !== runId.value) return;
    progress.value = p;
    queueNote.value = null;
    if (status.value === 'queued' || status.value === null) status.value = 'running';
    const values: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(p.values)) values[k] = wireToNumber(v);
    const r = appendValues(buffers, p.step, values);
    if (r.newKeys.length) structureTick.value++;
    else if (r.added) dataTick.value++;
  }

  function onStatus(s: { runId: string; status: RunStatus; error: string | null }): void {
    if (group.value.some((r) => r.id === s.runId)) {
      group.value = group.value.map((r) => (r.id === s.runId ? { ...r, status: s.status } : r));
    }
    if (s.runId !== runId.value) return;
    status.value = s.status;
    statusError.value = s.error;
    if (isTerminal(s.status)) void loadDetail().then(loadSeries).then(loadGroup);
    else scheduleDetail();
  }

  async function open(id: string): Promise<void> {
    close();
    runId.value = id;
    loading.value = true;
    const api = useApi();
    unsubscribers = [
      api.training.onDidProgress(onProgress),
      api.training.onDidChangeStatus(onStatus),
      api.runs.onDidChange((c) => {
        if (c.runIds === null || (runId.value !== null && c.runIds.includes(runId.value))) scheduleDetail();
      }),
    ];
    await loadDetail();
    await Promise.all([loadSeries(), loadGroup()]);
    loading.value = false;
  }

  function close(): void {
    for (const u of unsubscribers) u();
    unsubscribers = [];
    if (detailTimer) clearTimeout(detailTimer);
    detailTimer = null;
    runId.value = null;
    detail.value = null;
    status.value = null;
    statusError.value = null;
    progress.value = null;
    error.value = null;
    group.value = [];
    groupProgress.value = {};
    queueNote.value = null;
    buffers = new Map();
    structureTick.value++;
  }

  async function cancel(): Promise<void> {
    if (!runId.value) return;
    try {
      await useApi().training.cancel({ id: runId.value });
    } catch (e) {
      error.value = `Cancel failed: ${errorText(e)}`;
    }
  }
  async function resume(): Promise<void> {
    if (!runId.value) return;
    try {
      await useApi().training.resume({ id: runId.value });
      status.value = 'queued';
    } catch (e) {
      error.value = `Resume failed: ${errorText(e)}`;
    }
  }

  return {
    runId,
    detail,
    status,
    statusError,
    progress,
    error,
    loading,
    group,
    groupProgress,
    queueNote,
    dataTick,
    structureTick,
    keys,
    events,
    fraction,
    lastStep,
    getBuffers,
    open,
    close,
    cancel,
    resume,
  };
});
