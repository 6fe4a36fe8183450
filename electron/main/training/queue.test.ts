/**
 * The training service end to end without a GUI: a seed group through the queue, throttled
 * progress, cancel, a killed worker, a host restart, resume, and a consistent store at the end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName } from '../../api/contract';
import type { Progress, StatusChange } from '../../api/schemas';
import { createHost, type Host } from '../host/host';
import { openStore } from '../../../storage';
import { makeUntil } from '../../test-support/until';
import { tinySyntheticInput } from '../../test-support/tinySpec';

const dirs: string[] = [];
const hosts: Host[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tiny = (maxIterations: number) => tinySyntheticInput(maxIterations);

const until = makeUntil({ timeoutMs: 90_000, everyMs: 50 });

async function newHost(storePath: string): Promise<Host> {
  const h = await createHost({ mode: 'cli', storePath, runQueue: true, concurrency: 2, stopGraceMs: 5000, log: () => {} });
  hosts.push(h);
  return h;
}

function record(host: Host) {
  const progress: (Progress & { at: number })[] = [];
  const statuses: StatusChange[] = [];
  host.events.subscribe((event: EventName, payload: unknown) => {
    if (event === 'training.onDidProgress') progress.push({ ...(payload as Progress), at: Date.now() });
    if (event === 'training.onDidChangeStatus') statuses.push(payload as StatusChange);
  });
  return { progress, statuses };
}

describe('training queue', () => {
  it('runs a seed group, survives cancel, a killed worker and a restart, and resumes without gaps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lrlab-queue-'));
    dirs.push(dir);
    const storePath = join(dir, 'runs.sqlite');
    let host = await newHost(storePath);
    let seen = record(host);

    const launched = await host.dispatch('training.launch', { spec: tiny(100_000), seeds: [1, 2, 3], preset: 'tiny' });
    expect(launched).toMatchObject({ ok: true });
    if (!launched.ok) return;
    const { runIds, groupId } = launched.value as { runIds: string[]; groupId: string };
    expect(runIds).toHaveLength(3);
    expect(groupId).toBeTruthy();
    const [a, b, c] = runIds as [string, string, string];

    // Concurrency 2: the first two start, the third waits. While the workers boot (their rows
    // still say queued), training.queue lists each id once: running or queued, never both.
    let polls = 0;
    await until('two runs progressing', async () => {
      const q = await host.dispatch('training.queue', {});
      if (q.ok) {
        const { running, queued } = q.value as { running: string[]; queued: string[] };
        polls++;
        expect(running.filter((id) => queued.includes(id))).toEqual([]);
        expect(new Set([...running, ...queued])).toEqual(new Set(runIds));
      }
      return new Set(seen.progress.map((p) => p.runId)).size >= 2;
    });
    expect(polls).toBeGreaterThan(3);
    expect(host.queue.runningIds().sort()).toEqual([a, b].sort());
    expect(host.store.getRun(c).status).toBe('queued');

    // Progress is throttled to about 10 per second per run.
    await new Promise((r) => setTimeout(r, 1500));
    for (const id of [a, b]) {
      const ps = seen.progress.filter((p) => p.runId === id);
      const span = (ps.at(-1)!.at - ps[0]!.at) / 1000;
      expect(ps.length / Math.max(span, 0.5)).toBeLessThanOrEqual(12);
      expect(ps.at(-1)!.values['train/loss']).toBeDefined();
    }

    // Cancel one: stopped, its points kept.
    expect(await host.dispatch('training.cancel', { id: a })).toEqual({ ok: true, value: { ok: true } });
    await until('a stopped', () => seen.statuses.some((s) => s.runId === a && s.status === 'stopped'));
    const aPoints = host.store.getSeries({ runIds: [a], keys: ['train/loss'] })[0]!;
    expect(aPoints.steps.length).toBeGreaterThan(0);

    // Kill another's worker from outside (as the OS's out-of-memory killer would): not the run's
    // fault, so it ends interrupted (resumable from its checkpoint) with the reason; the queue
    // goes on with the third.
    const pid = host.queue.workerPid(b);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    await until('b interrupted', () => seen.statuses.find((s) => s.runId === b && s.status === 'interrupted'));
    expect(host.store.getRun(b).error).toMatch(/SIGKILL.*[Rr]esume/);
    await until('c running', () => host.store.getRun(c).status === 'running' && host.store.getRun(c).steps === null && seen.progress.some((p) => p.runId === c && p.step >= 150));

    // Restart the host while c runs: c becomes interrupted, and stays so (no auto-resume).
    await host.close();
    hosts.splice(hosts.indexOf(host), 1);
    const closedRun = openStore(storePath, { recoverInterrupted: false }).getRun(c);
    expect(closedRun.status).toBe('interrupted');
    // Its error says why in words (the host closed), not how the worker was ended ("signal SIGKILL").
    expect(closedRun.error).toMatch(/closed while the run trained/);
    expect(closedRun.error).not.toMatch(/SIGKILL/);
    host = await newHost(storePath);
    seen = record(host);
    await new Promise((r) => setTimeout(r, 500));
    expect(host.queue.runningIds()).toEqual([]);
    const ckpt = await host.store.latestCheckpoint(c);
    expect(ckpt?.step).toBeGreaterThanOrEqual(100);

    // Resume: continues from its checkpoint into the same run. Then stop it after more steps.
    expect((await host.dispatch('training.resume', { id: c })).ok).toBe(true);
    await until('c resumed past its checkpoint', () => seen.progress.some((p) => p.runId === c && p.step > ckpt!.step + 100));
    await host.dispatch('training.cancel', { id: c });
    await until('c stopped', () => seen.statuses.some((s) => s.runId === c && s.status === 'stopped'));

    // Wall time continues across the resume: it never goes back (it restarted at 0 before).
    const wall = host.store.getSeries({ runIds: [c], keys: ['train/loss'], withWallTimes: true })[0]!;
    const walls = wall.wallTimes!.map((w) => w ?? NaN);
    const atCkpt = walls[wall.steps.indexOf(ckpt!.step)]!;
    expect(atCkpt).toBeGreaterThan(0);
    for (let i = 1; i < walls.length; i++) expect(walls[i]!).toBeGreaterThanOrEqual(walls[i - 1]!);
    expect(host.store.getRun(c).wallS! * 1000).toBeGreaterThan(atCkpt);

    // The curve has no duplicated or missing steps across the resume.
    const s = host.store.getSeries({ runIds: [c], keys: ['train/loss'] })[0]!;
    const steps = s.steps;
    expect(new Set(steps).size).toBe(steps.length);
    // Every logging step (every 10) is there once; a stopped run also logs the step it stopped at.
    for (let i = 1; i < steps.length - 1; i++) expect(steps[i]! - steps[i - 1]!).toBe(10);
    expect(steps.at(-1)! - steps.at(-2)!).toBeLessThanOrEqual(10);
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)!).toBeGreaterThan(ckpt!.step + 100);

    // Store consistent: every run in a final state, events recorded, file intact.
    const rows = host.store.listRuns({ groupId: groupId }).rows;
    expect(rows.map((r) => r.status).sort()).toEqual(['interrupted', 'stopped', 'stopped']);
    expect(host.store.getRun(c).events.some((e) => e.kind === 'resume')).toBe(true);
    expect(host.store.integrityCheck()).toEqual(['ok']);
  }, 240_000);

  it('rejects an invalid spec listing every problem; an engine error fails the run; a NaN run ends diverged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lrlab-queue-'));
    dirs.push(dir);
    const host = await newHost(join(dir, 'runs.sqlite'));
    const seen = record(host);
    const bad = await host.dispatch('training.launch', { spec: { ...tiny(10), data: { d: -1, N: 64 }, model: { width: 0 } } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe('invalid_spec');
    expect(bad.error.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['spec.data.d', 'spec.model.width']));

    // The engine throws (a dataset that is not there): failed, with the engine's message.
    const missing = {
      kind: 'image',
      seed: 1,
      backend: 'wasm',
      dataset: { name: 'cifar10', path: join(dir, 'no-such-cifar') },
      model: { arch: 'small-cnn', width: 4 },
      lrSchedule: { kind: 'constant' },
      noiseSchedule: { kind: 'none' },
      epochs: 1,
    };
    const m = await host.dispatch('training.launch', { spec: missing });
    expect(m).toMatchObject({ ok: true });
    if (!m.ok) return;
    const mid = (m.value as { runIds: string[] }).runIds[0]!;
    await until('missing dataset failed', () => seen.statuses.find((s) => s.runId === mid && s.status === 'failed'));
    expect(host.store.getRun(mid).error).toMatch(/no-such-cifar/);

    const diverging = { ...tiny(2000), algorithm: { name: 'S', eta2: 1e6, eps2prime: 1e-9 } };
    const r = await host.dispatch('training.launch', { spec: diverging });
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    const id = (r.value as { runIds: string[] }).runIds[0]!;
    await until('diverged', () => seen.statuses.find((s) => s.runId === id && s.status !== 'queued' && s.status !== 'running'));
    expect(host.store.getRun(id).status).toBe('diverged');
  }, 120_000);
});
