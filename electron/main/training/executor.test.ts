/**
 * The queue behind the executor interface: a fake executor (no process) is recorded exactly as a
 * local worker is, and a run that ends by an environmental fault (a full disk while saving its
 * checkpoint) is left resumable and resumes to completion.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type RunStore } from '../../../storage';
import { HostEvents } from '../host/events';
import { RunQueue } from './queue';
import { EnvironmentFault, type Execution, type ExecutionCallbacks, type Executor, type RunLaunch, type RunOutcome } from './executor';
import { makeUntil } from '../../test-support/until';
import { tinySyntheticSpec } from '../../test-support/tinySpec';

const dirs: string[] = [];
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// No gradient noise (the schema's default), a checkpoint every 20 steps.
const tiny = (maxIterations: number, seed = 1) => tinySyntheticSpec(maxIterations, { seed, tauXi: 0, checkpointEvery: 20 });

const until = makeUntil({ timeoutMs: 60_000, everyMs: 25 });

function tempStore(options: Parameters<typeof openStore>[1] = {}): RunStore {
  const dir = mkdtempSync(join(tmpdir(), 'lrlab-exec-'));
  dirs.push(dir);
  const store = openStore(join(dir, 'runs.sqlite'), options);
  cleanup.push(() => store.close());
  return store;
}

/** Trains nothing: reports 3 logging steps, a checkpoint, and a result, like a remote job would. */
class FakeExecutor implements Executor {
  readonly name = 'fake';
  readonly capacity = 4;
  readonly batches: string[][] = [];
  startBatch(batch: readonly { launch: RunLaunch; callbacks: ExecutionCallbacks }[]): Execution[] {
    this.batches.push(batch.map((b) => b.launch.runId));
    return batch.map(({ launch, callbacks: cb }) => {
      const done = (async (): Promise<RunOutcome> => {
        await new Promise((r) => setTimeout(r, 10));
        cb.started({ backend: { name: 'cpu', summary: 'fake', skipped: [] } as never, versions: { tfjs: 'x' }, where: { executor: 'fake', job: `job-${launch.runId.slice(0, 4)}` } });
        for (const step of [0, 10, 20]) cb.metrics([{ step, epoch: null, wallTimeMs: step * 5, values: { 'train/loss': 1 / (step + 1) } }]);
        cb.progress({ step: 20, totalSteps: 20, epoch: null, totalEpochs: null });
        try {
          await cb.checkpoint({ step: 20, epoch: null, bytes: new Uint8Array([1, 2, 3]) });
        } catch (e) {
          return { kind: 'error', message: String(e), environment: e instanceof EnvironmentFault };
        }
        cb.event({ kind: 'info', step: 20, epoch: null, message: 'fake done' });
        return { kind: 'end', result: { status: 'completed', steps: 20, epochs: null, annealStep: null, stopReason: 'max iterations', wallS: 0.1, final: { 'train/loss': 1 / 21 } } };
      })();
      return { runId: launch.runId, done, stop: () => {}, kill: () => {}, where: { executor: 'fake' } };
    });
  }
}

describe('executors behind the queue', () => {
  it('records a run from any executor the same way: points, checkpoint, events, provenance, result; one batch per pump', async () => {
    const store = tempStore();
    const events = new HostEvents();
    const fake = new FakeExecutor();
    const queue = new RunQueue({ store, events, backend: null, log: () => {}, executors: [fake] });
    cleanup.unshift(() => queue.close());
    expect(queue.start()).toBe(true);
    const ids = queue.launch([tiny(20, 1), tiny(20, 2), tiny(20, 3)]);
    await until('all completed', () => ids.every((id) => store.getRun(id).status === 'completed'));
    // The three queued runs went to the executor as one batch (a cluster submits them as one array).
    expect(fake.batches).toEqual([ids]);
    const run = store.getRun(ids[0]!);
    expect(run.versions).toMatchObject({ executor: 'fake', job: `job-${ids[0]!.slice(0, 4)}` });
    expect(run.steps).toBe(20);
    expect(run.checkpoints.map((c) => c.step)).toEqual([20]);
    expect(run.events.map((e) => e.message)).toContain('fake done');
    expect(store.getSeries({ runIds: [ids[0]!], keys: ['train/loss'] })[0]!.steps).toEqual([0, 10, 20]);
  });

  it('a checkpoint that cannot be saved on a full disk leaves the run interrupted, and resume finishes it', async () => {
    let diskFull = false;
    const store = tempStore({
      faultInjector: (op) => {
        if (diskFull && op === 'recording a checkpoint') throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      },
    });
    const events = new HostEvents();
    const queue = new RunQueue({ store, events, backend: 'wasm', concurrency: 1, log: () => {} });
    cleanup.unshift(() => queue.close());
    queue.start();
    diskFull = true;
    const [id] = queue.launch([tiny(60)]) as [string];
    await until('run ended', () => !['queued', 'running'].includes(store.getRun(id).status));
    const ended = store.getRun(id);
    expect(ended.status).toBe('interrupted');
    expect(ended.error).toMatch(/disk .*full/);
    expect(ended.error).toMatch(/[Rr]esume/);

    diskFull = false; // space freed
    await queue.resume(id);
    await until('resumed run completed', () => store.getRun(id).status === 'completed', 60_000);
    const steps = store.getSeries({ runIds: [id], keys: ['train/loss'] })[0]!.steps;
    expect(steps).toEqual([0, 10, 20, 30, 40, 50, 60]);
  }, 90_000);

  it('requeues a run its executor ended by an outside fault up to autoRequeues times from its checkpoint, recorded; then it stays interrupted', async () => {
    const store = tempStore();
    const events = new HostEvents();
    /** Every start reports up to step 20 with a checkpoint there, then the "cluster" ends it (a crash outside the run). */
    const starts: (number | null)[] = [];
    const ending: Executor = {
      name: 'ending',
      capacity: 4,
      autoRequeues: () => 2,
      startBatch: (batch) =>
        batch.map(({ launch, callbacks: cb }) => {
          starts.push(launch.resumeFrom?.step ?? null);
          const done = (async (): Promise<RunOutcome> => {
            await new Promise((r) => setTimeout(r, 10));
            cb.started({ backend: { name: 'cpu', summary: 'fake', skipped: [] } as never, versions: {}, where: { executor: 'ending' } });
            const from = launch.resumeFrom ? launch.resumeFrom.step + 10 : 0;
            for (let step = from; step <= from + 20; step += 10) cb.metrics([{ step, epoch: null, wallTimeMs: step, values: { 'train/loss': 1 / (step + 1) } }]);
            await cb.checkpoint({ step: from + 20, epoch: null, bytes: new Uint8Array([1]) });
            cb.metrics([{ step: from + 30, epoch: null, wallTimeMs: 0, values: { 'train/loss': 0 } }]); // after the checkpoint: dropped by the requeue
            return { kind: 'crash', message: 'the cluster ended the task', environment: true };
          })();
          return { runId: launch.runId, done, stop: () => {}, kill: () => {}, where: { executor: 'ending' } };
        }),
    };
    const queue = new RunQueue({ store, events, backend: null, log: () => {}, executors: [ending] });
    cleanup.unshift(() => queue.close());
    const statuses: string[] = [];
    events.subscribe((e, p) => {
      if (e === 'training.onDidChangeStatus') statuses.push((p as { status: string }).status);
    });
    queue.start();
    const [id] = queue.launch([tiny(100)]) as [string];
    await until('three starts and a final interrupted', () => starts.length === 3 && store.getRun(id).status === 'interrupted' && store.getRun(id).events.some((e) => /Not requeued automatically/.test(e.message)));
    await new Promise((r) => setTimeout(r, 200));
    expect(starts).toEqual([null, 20, 50]); // each requeue from the latest checkpoint
    const run = store.getRun(id);
    expect(run.status).toBe('interrupted');
    const auto = run.events.filter((e) => typeof e.data?.['autoRequeue'] === 'number');
    expect(auto.map((e) => [e.data?.['autoRequeue'], e.data?.['fromStep']])).toEqual([
      [1, 20],
      [2, 50],
    ]);
    expect(auto[0]!.message).toMatch(/Requeued automatically \(1 of 2\) from the checkpoint at step 20 after: the cluster ended the task/);
    expect(run.events.find((e) => /Not requeued automatically/.test(e.message))?.message).toMatch(/all 2 automatic requeues used/);
    // interrupted → queued in the same tick each time, then the last interrupted stays
    expect(statuses.filter((s) => s !== 'running')).toEqual(['queued', 'interrupted', 'queued', 'interrupted', 'queued', 'interrupted']);
    // every step once: the points after each checkpoint were dropped and written again
    expect(store.getSeries({ runIds: [id], keys: ['train/loss'] })[0]!.steps).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  it('does not requeue a run a person cancelled, nor one that failed by itself', async () => {
    const store = tempStore();
    const events = new HostEvents();
    let starts = 0;
    const ending: Executor = {
      name: 'ending',
      capacity: 4,
      autoRequeues: () => 5,
      startBatch: (batch) =>
        batch.map(({ launch, callbacks: cb }) => {
          starts++;
          const done = (async (): Promise<RunOutcome> => {
            await new Promise((r) => setTimeout(r, 10));
            cb.started({ backend: { name: 'cpu', summary: 'fake', skipped: [] } as never, versions: {}, where: {} });
            return launch.spec.seed === 1 ? { kind: 'error', message: 'a bug in the run', environment: false } : { kind: 'crash', message: 'cancelled', environment: false };
          })();
          return { runId: launch.runId, done, stop: () => {}, kill: () => {}, where: {} };
        }),
    };
    const queue = new RunQueue({ store, events, backend: null, log: () => {}, executors: [ending] });
    cleanup.unshift(() => queue.close());
    queue.start();
    const [failing, cancelled] = queue.launch([tiny(100, 1), tiny(100, 2)]) as [string, string];
    queue.cancel(cancelled);
    await until('both ended', () => !['queued', 'running'].includes(store.getRun(failing).status) && !['queued', 'running'].includes(store.getRun(cancelled).status));
    await new Promise((r) => setTimeout(r, 200));
    expect(store.getRun(failing).status).toBe('failed');
    expect(store.getRun(cancelled).status).toBe('stopped');
    expect(starts).toBeLessThanOrEqual(2);
    for (const id of [failing, cancelled]) expect(store.getRun(id).events.some((e) => e.data?.['autoRequeue'] !== undefined)).toBe(false);
  });
});
