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
import { parseRunSpec } from '../../../engine/spec';
import { HostEvents } from '../host/events';
import { RunQueue } from './queue';
import { EnvironmentFault, type Execution, type ExecutionCallbacks, type Executor, type RunLaunch, type RunOutcome } from './executor';

const dirs: string[] = [];
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tiny = (maxIterations: number, seed = 1) =>
  parseRunSpec({
    kind: 'synthetic',
    seed,
    backend: 'wasm',
    data: { d: 16, N: 64, testSize: 200 },
    model: { width: 32 },
    algorithm: { name: 'S', eta2: 0.05, eps2prime: 1e-9 },
    init: { tau0: 0.05 },
    stopping: { maxIterations },
    logging: { every: 10, checkpointEvery: 20 },
  });

async function until<T>(what: string, f: () => T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

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
});
