/**
 * The engine's collapse flag reaches the store through the queue's recording path: the run's
 * stored summary and the api's run summary carry `collapsed`, and the `collapse` event is kept.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName } from '../../api/contract';
import type { StatusChange } from '../../api/schemas';
import { createHost, type Host } from '../host/host';

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const synthetic = (eta2: number) => ({
  kind: 'synthetic',
  seed: 1,
  backend: 'wasm',
  data: { d: 16, N: 64, testSize: 200 },
  model: { width: 32 },
  algorithm: { name: 'S', eta2, eps2prime: 1e-9 },
  gradientNoise: { tauXi: 0 },
  init: { tau0: 0.01 },
  stopping: { maxIterations: 40 },
  logging: { every: 10, checkpointEvery: 1000 },
});

describe('collapse flag through the queue', () => {
  it('a run stuck at chance ends completed but flagged: stored summary, api summary and event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lrlab-collapse-'));
    dirs.push(dir);
    const host = await createHost({ mode: 'cli', storePath: join(dir, 'runs.sqlite'), runQueue: true, concurrency: 2, stopGraceMs: 5000, log: () => {} });
    hosts.push(host);
    const ended: StatusChange[] = [];
    host.events.subscribe((event: EventName, payload: unknown) => {
      if (event === 'training.onDidChangeStatus') ended.push(payload as StatusChange);
    });
    const ids: string[] = [];
    for (const eta2 of [1e-7, 0.5]) {
      const r = await host.dispatch('training.launch', { spec: synthetic(eta2) });
      if (!r.ok) throw new Error(r.error.message);
      ids.push((r.value as { runIds: string[] }).runIds[0]!);
    }
    const t0 = Date.now();
    while (!ids.every((id) => ended.some((s) => s.runId === id && s.status !== 'queued' && s.status !== 'running'))) {
      if (Date.now() - t0 > 90_000) throw new Error('runs did not end');
      await new Promise((r) => setTimeout(r, 50));
    }
    const [stuckId, okId] = ids as [string, string];
    const stuck = host.store.getRun(stuckId);
    expect(stuck.status).toBe('completed');
    expect(stuck.summary?.collapsed).toBe(true);
    expect(stuck.events.some((e) => e.kind === 'collapse')).toBe(true);
    expect(host.store.getRun(okId).summary?.collapsed).toBe(false);
    const api = await host.dispatch('runs.get', { id: stuckId });
    if (!api.ok) throw new Error(api.error.message);
    expect((api.value as { collapsed?: boolean }).collapsed).toBe(true);
  }, 120_000);
});
