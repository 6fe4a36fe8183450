/** Deleting runs that train or wait in the queue (issue 14 item 5). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, type Host } from '../host/host';
import { newRunInput } from '../training/queue';
import { PRESETS } from '../../../engine/presets';
import { parseRunSpec } from '../../../engine/spec';

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
