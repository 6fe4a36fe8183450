/** The runs service: the store, read and curated, in the api's shapes. */
import type { ApiServices } from '../../api/contract';
import type { RunSummary as ApiRunSummary } from '../../api/schemas';
import type { RunListRow, RunRow, RunSortColumn, RunStore, LatestMetric, RunQuery as StoreRunQuery } from '../../../storage';
import type { ColumnId } from '../../api/columnIds';
import { HostError } from '../host/errors';
import type { HostEvents } from '../host/events';
import { readStoredRunSpec } from '../../../engine/spec';
import { finiteOrNull, toWire } from './wire';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The spec's leaves as `path → value` (numbers, strings, booleans; arrays joined), without the
 * fields every run has. The table's hyperparameter columns come from here, whatever the kind.
 */
export function flattenHparams(spec: unknown, prefix = '', out: Record<string, number | string | boolean | null> = {}): Record<string, number | string | boolean | null> {
  if (spec === null || typeof spec !== 'object') return out;
  for (const [k, v] of Object.entries(spec as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (!prefix && (k === 'name' || k === 'seed' || k === 'kind' || k === 'backend')) continue;
    if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[path] = v;
    else if (Array.isArray(v)) out[path] = v.map(String).join(', ');
    else flattenHparams(v, path, out);
  }
  return out;
}

/**
 * The store's sort for a parsed column id: a metric summary, or a field by its store name (the
 * api's durationS is the store's durationMs). The store refuses a field it cannot sort by.
 */
function storeSort(id: ColumnId): NonNullable<StoreRunQuery['sortBy']> {
  if (id.type === 'metric') return { metric: id.key, stat: id.stat };
  return (id.name === 'durationS' ? 'durationMs' : id.name) as RunSortColumn;
}

function metricSummary(m: LatestMetric): ApiRunSummary['metrics'][string] {
  return { last: finiteOrNull(m.last), min: m.min, max: m.max, lastStep: m.lastStep };
}

export function toApiSummary(row: RunRow & { metrics?: Readonly<Record<string, LatestMetric>> }): ApiRunSummary {
  let spec: unknown = null;
  try {
    spec = JSON.parse(row.specJson);
  } catch {
    spec = null;
  }
  const metrics: ApiRunSummary['metrics'] = {};
  for (const [k, m] of Object.entries(row.metrics ?? {})) metrics[k] = metricSummary(m);
  const end = row.endedAt ?? (row.status === 'running' ? Date.now() : null);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    kind: row.kind,
    preset: row.preset,
    algorithm: row.algorithm,
    seed: row.seed,
    groupId: row.groupId,
    tags: [...row.tags],
    createdAt: new Date(row.createdAt).toISOString(),
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    durationS: row.startedAt !== null && end !== null ? (end - row.startedAt) / 1000 : null,
    backend: row.backend,
    hparams: flattenHparams(spec),
    metrics,
    deleted: row.deletedAt !== null,
    error: row.error,
    collapsed: row.summary?.collapsed === true,
  };
}

function parseDate(s: string | undefined, field: string): number | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new HostError('invalid_request', `${field} is not a date: "${s}". Use ISO 8601, e.g. 2026-11-26 or 2026-11-26T14:00:00Z.`);
  return t;
}

export function createRunsService(store: RunStore, events: HostEvents): ApiServices['runs'] {
  const changed = (runIds: string[] | null, reason: string) => events.emit('runs.onDidChange', { runIds, reason });
  /**
   * Before a run is deleted: a training run is refused (it would keep its queue slot and its
   * worker), a queued one is cancelled (stopped) first. Checks every id before changing any.
   */
  const settleBeforeDelete = (ids: readonly string[], what: string): void => {
    for (const id of ids) {
      const r = store.getRun(id);
      if (r.status === 'running') {
        throw new HostError(
          'conflict',
          `Run ${id} is training (process ${r.pid ?? '?'} on ${r.host ?? '?'}): stop it first (Stop in the window, or Ctrl-C of its \`lrlab run\`), then ${what} it. Nothing was ${what}d.`,
        );
      }
    }
    for (const id of ids) {
      if (store.getRun(id).status !== 'queued') continue;
      store.finishRun(id, 'stopped', { error: null });
      events.emit('training.onDidChangeStatus', { runId: id, status: 'stopped', error: null });
    }
  };
  return {
    list(q) {
      const createdFrom = parseDate(q.createdFrom, 'createdFrom');
      const createdTo = parseDate(q.createdTo, 'createdTo');
      const r = store.listRuns({
        ...(q.text ? { text: q.text } : {}),
        ...(q.ids ? { ids: q.ids } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.preset ? { preset: q.preset } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.algorithm ? { algorithm: q.algorithm } : {}),
        ...(q.tag ? { tag: q.tag } : {}),
        ...(q.groupId ? { groupId: q.groupId } : {}),
        ...(createdFrom !== undefined ? { createdFrom } : {}),
        ...(createdTo !== undefined ? { createdTo } : {}),
        includeDeleted: q.deleted === 'include',
        onlyDeleted: q.deleted === 'only',
        sortBy: storeSort(q.sortBy),
        sortDir: q.sortDir,
        offset: q.offset,
        limit: q.limit,
        metricKeys: q.metricKeys,
      });
      return { total: r.total, rows: r.rows.map((row: RunListRow) => toApiSummary(row)) };
    },
    async get({ id }) {
      const d = store.getRun(id);
      const metricsByKey: Record<string, LatestMetric> = {};
      for (const m of d.metrics) metricsByKey[m.key] = m;
      const provenance: Record<string, unknown> = {
        backend: d.backend,
        versions: d.versions,
        appVersion: d.appVersion,
        gitCommit: d.gitCommit,
        host: d.host,
        pid: d.pid,
        specHash: d.specHash,
        steps: d.steps,
        epochs: d.epochs,
        annealStep: d.annealStep,
        stopReason: d.stopReason,
        wallS: d.wallS,
      };
      return {
        ...toApiSummary({ ...d, metrics: metricsByKey }),
        spec: (d.spec ?? {}) as Record<string, unknown>,
        notes: d.notes,
        provenance,
        events: d.events.map((e) => ({
          kind: e.kind,
          step: e.step,
          epoch: e.epoch,
          at: new Date(e.at).toISOString(),
          message: e.message,
          data: (e.data ?? null) as Record<string, unknown> | null,
        })),
        checkpoints: d.checkpoints.map((c) => ({ step: c.step, epoch: c.epoch, at: new Date(c.createdAt).toISOString(), bytes: c.sizeBytes })),
        metricKeys: d.metrics.map((m) => m.key).sort(),
      };
    },
    series(q) {
      const series = store.getSeries({
        runIds: q.runIds,
        keys: q.keys,
        ...(q.maxPoints !== undefined ? { maxPoints: q.maxPoints } : {}),
        method: q.method,
        ...(q.fromStep !== undefined ? { fromStep: q.fromStep } : {}),
        ...(q.toStep !== undefined ? { toStep: q.toStep } : {}),
      });
      return {
        series: series.map((s) => ({ runId: s.runId, key: s.key, steps: s.steps, values: s.values.map(toWire), totalPoints: s.totalPoints })),
      };
    },
    aggregate(q) {
      const a = store.groupAggregate({ runIds: q.runIds }, q.key, q.maxPoints);
      return { key: a.key, steps: a.steps, mean: a.mean.map(toWire), std: a.std.map(toWire), min: a.min.map(toWire), max: a.max.map(toWire), n: a.n };
    },
    rename({ id, name }) {
      store.renameRun(id, name);
      changed([id], 'renamed');
      return { ok: true };
    },
    setNotes({ id, notes }) {
      store.setNotes(id, notes);
      changed([id], 'notes');
      return { ok: true };
    },
    setTags({ id, tags }) {
      const current = store.getRun(id).tags;
      const want = [...new Set(tags)];
      const drop = current.filter((t) => !want.includes(t));
      const add = want.filter((t) => !current.includes(t));
      if (drop.length) store.removeTags(id, drop);
      if (add.length) store.addTags(id, add);
      changed([id], 'tags');
      return { ok: true };
    },
    tags() {
      return store.listTags().map((t) => ({ tag: t.tag, count: t.count }));
    },
    delete({ ids }) {
      settleBeforeDelete(ids, 'delete');
      for (const id of ids) store.deleteRun(id);
      changed(ids, 'deleted');
      return { ok: true };
    },
    restore({ ids }) {
      for (const id of ids) store.restoreRun(id);
      changed(ids, 'restored');
      return { ok: true };
    },
    async purge({ ids }) {
      settleBeforeDelete(ids, 'purge');
      for (const id of ids) await store.purgeRun(id);
      changed(ids, 'purged');
      return { ok: true };
    },
    export({ ids, format }) {
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      if (format === 'csv') return { filename: `lrlab-runs-${stamp}.csv`, mime: 'text/csv', content: store.exportCsv(ids) };
      return { filename: `lrlab-runs-${stamp}.lrlab.json`, mime: 'application/json', content: JSON.stringify(store.exportRuns(ids)) };
    },
    async import({ content, overwrite }) {
      let bundle: unknown;
      try {
        bundle = JSON.parse(content);
      } catch (e) {
        throw new HostError('invalid_request', `The file is not an LR Lab bundle: it is not JSON (${e instanceof Error ? e.message : String(e)}).`);
      }
      const r = await store.importBundle(bundle, {
        overwrite,
        // A bundle's specs are stored specs (written by this or an older LR Lab): a field a
        // later version removed is dropped when the run is read, not a reason to refuse it.
        validateSpec: (spec: unknown) => {
          try {
            readStoredRunSpec(spec);
            return { ok: true as const };
          } catch (e) {
            return { ok: false as const, problems: (e as { problems?: readonly { path: string; message: string }[] }).problems?.map((p) => `${p.path}: ${p.message}`) ?? [String(e)] };
          }
        },
      });
      changed([...r.imported], 'imported');
      return { imported: [...r.imported] };
    },
  };
}
