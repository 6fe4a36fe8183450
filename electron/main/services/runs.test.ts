/** Deleting runs that train or wait in the queue (issue 14 item 5). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, type Host } from '../host/host';
import { newRunInput } from '../training/queue';
import { PRESETS } from '../../../engine/presets';
import { parseRunSpec } from '../../../engine/spec';
// The run browser's columns, as the renderer builds them (fakeKind.test.ts reads them the same way).
import { BASE_COLUMNS, metricColumns } from '../../../renderer/src/lib/columns';

let dir: string;
let host: Host;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lrlab-runs-'));
  host = await createHost({ mode: 'cli', storePath: join(dir, 'runs.sqlite'), backend: 'wasm', log: () => {} });
});
afterAll(async () => {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

const spec = () => parseRunSpec({ ...(PRESETS.find((p) => p.name === 'toy-s')!.spec as Record<string, unknown>), seed: 1 });

describe('runs.delete and runs.purge', () => {
  it('refuse a run that is training (nothing is deleted), and cancel a queued run before deleting it', async () => {
    const training = host.store.createRun(newRunInput(spec())).id;
    host.store.markRunning(training, { pid: process.pid });
    const queued = host.store.createRun(newRunInput(spec())).id;

    for (const method of ['runs.delete', 'runs.purge'] as const) {
      const r = await host.dispatch(method, { ids: [queued, training] });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.message).toMatch(new RegExp(`${training} is training.*stop it first`));
      // Checked before any change: the queued run is untouched too.
      expect(host.store.getRun(queued)).toMatchObject({ status: 'queued', deletedAt: null });
      expect(host.store.getRun(training)).toMatchObject({ status: 'running', deletedAt: null });
    }

    const r = await host.dispatch('runs.delete', { ids: [queued] });
    expect(r.ok).toBe(true);
    const after = host.store.getRun(queued);
    expect(after.status).toBe('stopped'); // no longer in the queue
    expect(after.deletedAt).not.toBeNull();
  });
});

describe('runs.list sortBy (column ids, electron/api/columnIds.ts)', () => {
  it('sorts by every column of the run browser, metric summaries included', async () => {
    const kinds = await host.services.experiments.kinds({});
    const metric = kinds[0]!.defaultColumns[0]!;
    const sorts = [...BASE_COLUMNS, ...metricColumns(kinds, metric)].map((c) => c.sortBy).filter((s): s is string => s !== null);
    expect(sorts).toContain(`metric:${metric}:last`);
    for (const sortBy of sorts) {
      const r = await host.dispatch('runs.list', { sortBy, limit: 1 });
      expect(r.ok ? 'ok' : `${sortBy}: ${r.error.message}`).toBe('ok');
    }
  });

  it('refuses a bad column id as an invalid request that says what is wrong', async () => {
    const r = await host.dispatch('runs.list', { sortBy: 'metric:test/all/err:avg' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_request');
    expect(r.error.message).toMatch(/sortBy: "metric:test\/all\/err:avg" is not a column id: "avg" is not a metric summary; use one of last, min, max/);
    const unknownField = await host.dispatch('runs.list', { sortBy: 'colour' });
    expect(unknownField.ok ? null : unknownField.error.message).toMatch(/Cannot sort runs by "colour": use one of name, status/);
  });
});

describe('training.resume (RESUMABLE_RUN_STATUSES, storage/types.ts)', () => {
  it('refuses a run that is not interrupted, stopped or failed, naming the statuses it takes', async () => {
    const queued = host.store.createRun(newRunInput(spec())).id;
    const r = await host.dispatch('training.resume', { id: queued });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('conflict');
    expect(r.error.message).toBe(`Run ${queued} is queued; only interrupted, stopped or failed runs can be resumed.`);
  });
});
